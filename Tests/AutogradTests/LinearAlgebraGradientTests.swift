import Autograd
import XCTest

final class LinearAlgebraGradientTests: XCTestCase {
    func testMatmulValues() {
        let a = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], values: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(matmul(a, b).values, [58, 64, 139, 154])
        XCTAssertEqual(matmul(b, a, transposeA: true, transposeB: true).values, [58, 139, 64, 154])
        XCTAssertEqual(matmul(a, a, transposeB: true).values, [14, 32, 32, 77])
        XCTAssertEqual(matmul(a, a, transposeA: true).shape, [3, 3])
    }

    func testMatmulGradientsEveryTransposeCase() {
        for (i, (ta, tb)) in [(false, false), (true, false), (false, true), (true, true)].enumerated() {
            let a = random(ta ? [4, 3] : [3, 4], UInt64(20 + i))
            let b = random(tb ? [5, 4] : [4, 5], UInt64(30 + i))
            checkGradients([a, b], tolerance: 1e-3) { matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        }
    }

    func testBatchedMatmulGradients() {
        for (i, (ta, tb)) in [(false, false), (true, false), (false, true), (true, true)].enumerated() {
            let a = random(ta ? [2, 4, 3] : [2, 3, 4], UInt64(40 + i))
            let b = random(tb ? [2, 5, 4] : [2, 4, 5], UInt64(50 + i))
            checkGradients([a, b], tolerance: 1e-3) { matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        }
        // A batch of matrices by one shared matrix (the time-distributed linear layer).
        checkGradients([random([2, 3, 4], 60), random([4, 5], 61)], tolerance: 1e-3) { matmul($0[0], $0[1]) }
        checkGradients([random([2, 3, 4], 62), random([5, 4], 63)], tolerance: 1e-3) { matmul($0[0], $0[1], transposeB: true) }
    }

    func testBatchedMatmulMatchesPerItemProducts() {
        let a = random([3, 2, 4], 70), b = random([3, 4, 5], 71)
        let c = matmul(a, b)
        for i in 0..<3 {
            let ai = a.slice(axis: 0, i..<(i + 1)).reshaped([2, 4])
            let bi = b.slice(axis: 0, i..<(i + 1)).reshaped([4, 5])
            let ci = matmul(ai, bi).values
            for (x, y) in zip(ci, Array(c.values[(i * 10)..<(i * 10 + 10)])) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        }
    }
}

final class AttentionScoreGradientTests: XCTestCase {
    /// The fused additive attention scores against finite differences (tanh: smooth), and values
    /// and gradients against the same computation composed of separate ops (tanh and relu).
    func testAdditiveAttentionScores() {
        let inputs = [random([2, 5, 11], 80), random([2, 11], 81), random([1, 11], 82), random([1], 83)]
        checkGradients(inputs, tolerance: 1e-2) {
            additiveAttentionScores(projected: $0[0], query: $0[1], weight: $0[2], bias: $0[3], relu: false)
        }
        for relu in [false, true] {
            let upstream = (0..<10).map { Float($0 % 3) - 1 }
            for t in inputs { t.zeroGrad() }
            additiveAttentionScores(projected: inputs[0], query: inputs[1], weight: inputs[2], bias: inputs[3], relu: relu).backward(gradient: upstream)
            let fusedGrads = inputs.map { $0.gradValues! }
            let fused = additiveAttentionScores(projected: inputs[0], query: inputs[1], weight: inputs[2], bias: inputs[3], relu: relu).values
            for t in inputs { t.zeroGrad() }
            let mixed = inputs[0] + inputs[1].reshaped([2, 1, 11])
            let composedOut = (matmul(relu ? mixed.relu() : mixed.tanh(), inputs[2], transposeB: true) + inputs[3]).reshaped([2, 5])
            composedOut.backward(gradient: upstream)
            for (a, b) in zip(fused, composedOut.values) { XCTAssertEqual(a, b, accuracy: 1e-5) }
            for (i, t) in inputs.enumerated() {
                for (a, b) in zip(fusedGrads[i], t.gradValues!) { XCTAssertEqual(a, b, accuracy: 1e-5, "relu \(relu) input \(i)") }
            }
        }
    }
}

final class AttentionContextGradientTests: XCTestCase {
    /// The fused context against finite differences, and against the batched product it replaces.
    func testAttentionContext() {
        let inputs = [random([3, 5], 90), random([3, 5, 9], 91)]
        checkGradients(inputs, tolerance: 1e-2) { attentionContext(alpha: $0[0], features: $0[1]) }
        let upstream = (0..<27).map { Float($0 % 5) - 2 }
        for t in inputs { t.zeroGrad() }
        let fused = attentionContext(alpha: inputs[0], features: inputs[1])
        fused.backward(gradient: upstream)
        let fusedGrads = inputs.map { $0.gradValues! }
        for t in inputs { t.zeroGrad() }
        let product = matmul(inputs[0].reshaped([3, 1, 5]), inputs[1]).reshaped([3, 9])
        product.backward(gradient: upstream)
        for (a, b) in zip(fused.values, product.values) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        for (i, t) in inputs.enumerated() {
            for (a, b) in zip(fusedGrads[i], t.gradValues!) { XCTAssertEqual(a, b, accuracy: 1e-5, "input \(i)") }
        }
    }
}
