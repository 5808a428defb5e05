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
