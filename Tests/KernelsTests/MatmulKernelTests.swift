import Kernels
import XCTest

final class MatmulKernelTests: XCTestCase {
    func randomArray(_ n: Int, _ seed: UInt64) -> [Float] {
        var state = seed &+ 0x9E3779B97F4A7C15
        return (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
    }

    func testGemmMatchesReferenceInEveryTransposeCaseWithPaddedStrides() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 9, 33), (64, 65, 66)] {
                let lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3
                let a = randomArray((ta ? k : m) * lda, 1), b = randomArray((tb ? n : k) * ldb, 2)
                var c1 = randomArray(m * ldc, 3), c2 = c1
                gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: &c1, ldc: ldc)
                gemmReference(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: &c2, ldc: ldc)
                for i in 0..<c1.count {
                    XCTAssertEqual(c1[i], c2[i], accuracy: 1e-4 * max(1, abs(c2[i])), "ta \(ta) tb \(tb) m \(m) n \(n) k \(k) at \(i)")
                }
            }
        }
    }

    func testGemmWithZeroInnerDimensionScalesC() {
        var c: [Float] = [1, 2, 3, 4]
        gemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 0, a: [], lda: 1, b: [], ldb: 2, beta: 0, c: &c, ldc: 2)
        XCTAssertEqual(c, [0, 0, 0, 0])
    }
}
