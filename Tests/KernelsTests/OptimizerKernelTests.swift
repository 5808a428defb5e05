import Kernels
import XCTest

/// The optimizers' vector passes give exactly what a plain loop of the same formulas gives, over
/// counts that split over the cores and leave a tail shorter than a vector.
final class OptimizerKernelTests: XCTestCase {
    private func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return scale * (Float(Int64(bitPattern: state >> 11) % 2_000_001) / 1_000_000 - 1)
        }
    }

    /// Fails naming the first element where `a` and `b` differ (bit for bit), not printing them whole.
    private func assertIdentical(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        if let i = a.indices.first(where: { i in i < b.count && a[i].bitPattern != b[i].bitPattern }) {
            XCTFail("\(what): element \(i) is \(a[i]), expected \(b[i])", file: file, line: line)
        }
    }

    func testAdamUpdateEqualsThePlainLoop() {
        let count = 3 * elementwiseSliceMinimum + 5
        for (l2, decay) in [(Float(0), Float(1)), (0.01, 1), (0, 0.999)] {
            let c = AdamStepConstants(stepSize: 1e-3 / 0.19, beta1: 0.9, beta2: 0.999, bias2Root: 0.0447, eps: 1e-8, l2: l2, decay: decay)
            var p = random(count, seed: 1), m = random(count, seed: 2, scale: 0.1), v = random(count, seed: 3, scale: 0.01).map(abs)
            let g = random(count, seed: 4)
            var ep = p, em = m, ev = v
            for i in 0..<count {
                ep[i] *= decay
                let gi = g[i] + l2 * ep[i]
                em[i] = 0.9 * em[i] + (1 - 0.9) * gi
                ev[i] = 0.999 * ev[i] + (1 - 0.999) * gi * gi
                ep[i] -= c.stepSize * em[i] / (ev[i].squareRoot() / c.bias2Root + c.eps)
            }
            adamUpdate(values: &p, gradients: g, firstMoment: &m, secondMoment: &v, count: count, c)
            assertIdentical(p, ep, "parameters, l2 \(l2), decay \(decay)")
            assertIdentical(m, em, "first moment, l2 \(l2), decay \(decay)")
            assertIdentical(v, ev, "second moment, l2 \(l2), decay \(decay)")
        }
    }

    func testSumOfSquaresAndScaling() {
        for count in [0, 1, 15, 17, 3 * elementwiseSliceMinimum + 7] {
            var x = random(count, seed: 5)
            let expected = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            XCTAssertEqual(sumOfSquares(x, count: count), expected, accuracy: 1e-9 * max(1, expected), "count \(count)")
            let scaled = x.map { $0 * 0.37 }
            scaleInPlace(&x, count: count, by: 0.37)
            assertIdentical(x, scaled, "count \(count)")
        }
    }
}
