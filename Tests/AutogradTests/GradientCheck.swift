import Autograd
import XCTest

/// Central finite-difference check of reverse-mode gradients.
///
/// The scalar tested is `L = sum(f(inputs) * w)` with fixed random weights `w`, so every output
/// element matters. The analytic gradient comes from `backward(gradient: w)`; the numeric one
/// perturbs each input element by ±eps and computes `(L+ - L-) / (2 eps)` (accumulated in Double).
/// The check fails when `|analytic - numeric| / max(|analytic|, |numeric|, floor)` (L2 norms over
/// each input) exceeds `tolerance`: a wrong backward (a missing factor, a swapped index, a sign)
/// is off by O(1), far beyond the ~1e-3 noise of Float32 differences.
func checkGradients(
    _ inputs: [Tensor], eps: Float = 1e-2, tolerance: Double = 1e-2, seed: UInt64 = 99,
    file: StaticString = #filePath, line: UInt = #line,
    _ f: ([Tensor]) -> Tensor
) {
    var generator = SeededGenerator(seed: seed)
    for x in inputs { x.setRequiresGrad(true); x.zeroGrad() }
    let output = f(inputs)
    let weights = (0..<output.count).map { _ in generator.uniform(-1, 1) }
    output.backward(gradient: weights)

    func loss() -> Double {
        let y = withoutGradient { f(inputs) }
        XCTAssertEqual(y.count, weights.count, "output size changed between calls", file: file, line: line)
        var s = 0.0
        for i in 0..<y.count { s += Double(y.data[i]) * Double(weights[i]) }
        return s
    }

    for (index, x) in inputs.enumerated() {
        guard let analytic = x.gradValues else {
            XCTFail("input \(index) (shape \(x.shape)) received no gradient", file: file, line: line)
            continue
        }
        var numeric = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let saved = x.data[i]
            x.data[i] = saved + eps
            let plus = loss()
            x.data[i] = saved - eps
            let minus = loss()
            x.data[i] = saved
            numeric[i] = (plus - minus) / (2 * Double(eps))
        }
        var diff = 0.0, normA = 0.0, normN = 0.0, worst = 0, worstDiff = 0.0
        for i in 0..<x.count {
            let d = Double(analytic[i]) - numeric[i]
            diff += d * d; normA += Double(analytic[i] * analytic[i]); normN += numeric[i] * numeric[i]
            if abs(d) > worstDiff { worstDiff = abs(d); worst = i }
        }
        let scale = max(normA.squareRoot(), normN.squareRoot(), 1e-3)
        let relative = diff.squareRoot() / scale
        XCTAssertLessThan(relative, tolerance,
            "gradient of input \(index) (shape \(x.shape)) is off: relative error \(relative); worst element \(worst): analytic \(analytic[worst]) numeric \(numeric[worst])",
            file: file, line: line)
    }
}

/// A tensor of uniform values in [low, high), seeded.
func random(_ shape: [Int], _ seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var g = SeededGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, generator: &g)
}

/// A tensor whose values are a shuffled, well-separated ramp (no ties, gaps of `gap`), for ops with
/// kinks (max pooling), so a finite-difference step never changes which element wins.
func separated(_ shape: [Int], _ seed: UInt64, gap: Float = 0.1) -> Tensor {
    var g = SeededGenerator(seed: seed)
    let n = shape.reduce(1, *)
    var values = (0..<n).map { Float($0) * gap - Float(n) * gap / 2 }
    values.shuffle(using: &g)
    return Tensor(shape: shape, values: values)
}
