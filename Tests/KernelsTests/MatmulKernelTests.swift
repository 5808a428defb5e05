import Kernels
import CWideProducts
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
            // The last two split over the cores: by rows of C, and by k (k at least twice m and n).
            for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 9, 33), (64, 65, 66), (200, 70, 150), (48, 40, 1000)] {
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

    /// `alpha` 1 with `beta` 0 or 1 and B not transposed: the products `gemm` runs in
    /// `CWideProducts` where the CPU has AVX-512 (on one core and split over the cores).
    func testGemmOfGradientShapesMatchesReference() {
        for ta in [false, true] {
            for (m, n, k) in [(13, 35, 300), (64, 65, 66), (48, 40, 1000), (200, 70, 150)] {
                for beta: Float in [0, 1] {
                    let lda = (ta ? m : k) + 2, ldb = n + 1, ldc = n + 3
                    let a = randomArray((ta ? k : m) * lda, 4), b = randomArray(k * ldb, 5)
                    var c1 = randomArray(m * ldc, 6), c2 = c1
                    gemm(transposeA: ta, transposeB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c1, ldc: ldc)
                    gemmReference(transposeA: ta, transposeB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c2, ldc: ldc)
                    for i in 0..<c1.count {
                        XCTAssertEqual(c1[i], c2[i], accuracy: 1e-4 * max(1, abs(c2[i])), "ta \(ta) m \(m) n \(n) k \(k) beta \(beta) at \(i)")
                    }
                }
            }
        }
    }

    /// The AVX-512 product itself, on one core: every row remainder (tiles of 8 and 4, single
    /// rows), partial column panels, several blocks of k with a partial last one; columns past n
    /// (NaN here) are neither read into the result nor written.
    func testWideGemmMatchesReference() throws {
        try XCTSkipUnless(glimpse_wide_products_available() != 0, "this CPU has no AVX-512: gemm runs through OpenBLAS only")
        for ta in [false, true] {
            for m in [1, 3, 4, 7, 8, 12, 13, 19] {
                for (n, k) in [(5, 1), (16, 129), (37, 300)] {
                    for accumulate in [false, true] {
                        let lda = (ta ? m : k) + 1, ldb = n + 2, ldc = n + 3
                        let a = randomArray((ta ? k : m) * lda, UInt64(m)), b = randomArray(k * ldb, 7)
                        var c = randomArray(m * ldc, 8)
                        for i in 0..<m { for j in n..<ldc { c[i * ldc + j] = .nan } }
                        var expected = c
                        glimpse_gemm_wide(ta ? 1 : 0, m, n, k, a, lda, b, ldb, &c, ldc, accumulate ? 1 : 0)
                        gemmReference(transposeA: ta, transposeB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                                      beta: accumulate ? 1 : 0, c: &expected, ldc: ldc)
                        for i in 0..<m {
                            for j in 0..<ldc {
                                let got = c[i * ldc + j], want = expected[i * ldc + j], at = "ta \(ta) m \(m) n \(n) k \(k) accumulate \(accumulate) at \(i), \(j)"
                                if j < n { XCTAssertEqual(got, want, accuracy: 1e-4 * max(1, abs(want)), at) } else { XCTAssertTrue(got.isNaN, at) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The weight-gradient product over runs of rows (a row block's rows of a time-major sequence):
    /// equal to the reference over the gathered rows, for runs that split the blocks of k, a last
    /// partial run, row strips and column panels with remainders; untouched columns stay NaN.
    func testWideGemmOverRunsOfRowsMatchesGatheredReference() throws {
        try XCTSkipUnless(glimpse_wide_products_available() != 0, "this CPU has no AVX-512: gemm runs through OpenBLAS only")
        for (m, n) in [(16, 16), (19, 37), (5, 70)] {
            for (runRows, runStride, runs) in [(16, 32, 20), (7, 10, 40), (300, 300, 1), (3, 3, 90)] {
                let k = runRows * runs, rowsInAll = runStride * runs
                let lda = m + 1, ldb = n + 2, ldc = n + 3
                let a = randomArray(rowsInAll * lda, UInt64(m + runRows)), b = randomArray(rowsInAll * ldb, 11)
                // The rows the runs take, gathered for the reference.
                let taken = (0..<k).map { p in p / runRows * runStride + p % runRows }
                var gatheredA = [Float](), gatheredB = [Float]()
                for row in taken { gatheredA += a[(row * lda)..<((row + 1) * lda)]; gatheredB += b[(row * ldb)..<((row + 1) * ldb)] }
                for accumulate in [false, true] {
                    var c = randomArray(m * ldc, 8)
                    for i in 0..<m { for j in n..<ldc { c[i * ldc + j] = .nan } }
                    var expected = c
                    // Column sums of the rows taken, added onto values already there.
                    var sums = randomArray(m, 9)
                    let expectedSums = (0..<m).map { i in taken.reduce(Double(sums[i])) { $0 + Double(a[$1 * lda + i]) } }
                    glimpse_gemm_wide_runs(m, n, k, a, lda, b, ldb, &c, ldc, accumulate ? 1 : 0, runRows, runStride, &sums)
                    for i in 0..<m { XCTAssertEqual(Double(sums[i]), expectedSums[i], accuracy: 1e-3, "column sum \(i), m \(m) n \(n) runs of \(runRows)") }
                    gemmReference(transposeA: true, transposeB: false, m: m, n: n, k: k, a: gatheredA, lda: lda, b: gatheredB, ldb: ldb,
                                  beta: accumulate ? 1 : 0, c: &expected, ldc: ldc)
                    for i in 0..<m {
                        for j in 0..<ldc {
                            let got = c[i * ldc + j], want = expected[i * ldc + j]
                            let at = "m \(m) n \(n) runs of \(runRows) every \(runStride) accumulate \(accumulate) at \(i), \(j)"
                            if j < n { XCTAssertEqual(got, want, accuracy: 1e-4 * max(1, abs(want)), at) } else { XCTAssertTrue(got.isNaN, at) }
                        }
                    }
                }
            }
        }
    }

    /// `gemmOverRowBlocks` (each core the rows of its block of the batch, the partial products and
    /// column sums then added) equals `C += A^T B` over all the rows, and its column sums those of A;
    /// for a batch the blocks split unevenly, and one that takes the wide products on two cores.
    func testGemmOverRowBlocksMatchesWholeProduct() {
        for (m, n, steps, batch) in [(40, 24, 64, 33), (19, 37, 3, 5)] {
            let rows = steps * batch
            let a = randomArray(rows * m, 21), b = randomArray(rows * n, 22)
            var c = randomArray(m * n, 23), expected = c
            var sums = randomArray(m, 24)
            let expectedSums = (0..<m).map { i in (0..<rows).reduce(Double(sums[i])) { $0 + Double(a[$1 * m + i]) } }
            gemmOverRowBlocks(m: m, n: n, steps: steps, batch: batch, blocks: min(kernelWorkers, 2), a: a, lda: m, b: b, ldb: n,
                              c: &c, ldc: n, columnSums: &sums)
            gemmReference(transposeA: true, transposeB: false, m: m, n: n, k: rows, a: a, lda: m, b: b, ldb: n, beta: 1, c: &expected, ldc: n)
            for i in 0..<(m * n) { XCTAssertEqual(c[i], expected[i], accuracy: 1e-3 * max(1, abs(expected[i])), "m \(m) batch \(batch) at \(i)") }
            for i in 0..<m { XCTAssertEqual(Double(sums[i]), expectedSums[i], accuracy: 1e-3, "column sum \(i), m \(m) batch \(batch)") }
        }
    }

    func testGemmWithZeroInnerDimensionScalesC() {
        var c: [Float] = [1, 2, 3, 4]
        gemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 0, a: [], lda: 1, b: [], ldb: 2, beta: 0, c: &c, ldc: 2)
        XCTAssertEqual(c, [0, 0, 0, 0])
    }
}

final class PackedProductTests: XCTestCase {
    /// The AVX-512 kernel sums each element's products in the portable kernel's order, so both give
    /// the same bits (training runs the same on any x86-64 CPU): every row remainder from 1 to 19,
    /// partial panels, accumulating and from a start row.
    func testWideKernelGivesThePortableBits() throws {
        try XCTSkipUnless(glimpse_wide_products_available() != 0, "this CPU has no AVX-512: only the portable kernel runs here")
        for m in 1...19 {
            for (n, k) in [(16, 7), (40, 64), (3, 2)] {
                let lda = k + 1, ldc = n + 2
                let a = values(m * lda, UInt64(m)), w = values(k * n, 9)
                var packed = [Float](repeating: .nan, count: packedCount(k: k, n: n))
                packRightHandSide(w, k: k, n: n, ld: n, transposed: false, into: &packed)
                let start = values(n, 5)
                for fromStart in [false, true] {
                    var wide = values(m * ldc, 3), portable = wide
                    start.withUnsafeBufferPointer { start in
                        let first = fromStart ? start.baseAddress : nil
                        glimpse_packed_product_wide(m, n, k, a, lda, packed, &wide, ldc, first)
                        portablePackedProduct(m: m, n: n, k: k, a: a, lda: lda, packed: packed, c: &portable, ldc: ldc, start: first)
                    }
                    XCTAssertEqual(wide.map(\.bitPattern), portable.map(\.bitPattern), "m \(m) n \(n) k \(k) from start \(fromStart)")
                }
            }
        }
    }

    /// The AVX-512 pack (16 x 16 blocks transposed in registers) writes what the portable one
    /// does: both layouts, k below, at and past multiples of 16, a partial last panel, padded rows.
    func testWidePackGivesThePortableLayout() throws {
        try XCTSkipUnless(glimpse_wide_products_available() != 0, "this CPU has no AVX-512: only the portable pack runs here")
        for (n, k) in [(16, 16), (40, 37), (7, 5), (33, 64), (256, 768)] {
            for transposed in [false, true] {
                let ld = (transposed ? k : n) + 3
                let w = values((transposed ? n : k) * ld, UInt64(n + k))
                var wide = [Float](repeating: .nan, count: packedCount(k: k, n: n)), portable = wide
                glimpse_pack_wide(w, k, n, ld, transposed ? 1 : 0, &wide)
                portablePackRightHandSide(w, k: k, n: n, ld: ld, transposed: transposed, into: &portable)
                XCTAssertEqual(wide.map(\.bitPattern), portable.map(\.bitPattern), "n \(n) k \(k) transposed \(transposed)")
            }
        }
    }

    func values(_ n: Int, _ seed: UInt64) -> [Float] {
        var state = seed
        return (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
    }

    typealias Kernel = (Int, Int, Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int,
                        UnsafePointer<Float>?) -> Void

    /// The portable kernel, and the one `packedProduct` runs (the AVX-512 one where the CPU has it).
    func testPackedProductMatchesReference() {
        checkAgainstReference(portablePackedProduct, "portable")
        checkAgainstReference(packedProduct, wideProductsAvailable ? "wide" : "portable")
    }

    /// Every remainder of rows (tiles of 8 and 4, tail of 1) and columns (panels of 16, a partial
    /// last one), both packing layouts, padded strides; accumulation into C, and from a start row.
    func checkAgainstReference(_ packedProduct: Kernel, _ name: String) {
        for (m, n, k) in [(1, 1, 1), (4, 16, 8), (5, 17, 3), (7, 33, 10), (32, 64, 31), (3, 40, 1), (13, 20, 9)] {
            for transposed in [false, true] {
                let lda = k + 2, ldw = (transposed ? k : n) + 3, ldc = n + 1
                let a = values(m * lda, 1), w = values((transposed ? n : k) * ldw, 2)
                var packed = [Float](repeating: .nan, count: packedCount(k: k, n: n))
                packRightHandSide(w, k: k, n: n, ld: ldw, transposed: transposed, into: &packed)
                var c = values(m * ldc, 3), expected = c
                packedProduct(m, n, k, a, lda, packed, &c, ldc, nil)
                gemmReference(transposeA: false, transposeB: transposed, m: m, n: n, k: k, a: a, lda: lda, b: w, ldb: ldw,
                              beta: 1, c: &expected, ldc: ldc)
                for i in 0..<c.count {
                    XCTAssertEqual(c[i], expected[i], accuracy: 1e-4, "\(name): m \(m) n \(n) k \(k) transposed \(transposed) at \(i)")
                }
                // From a start row: C's old values (NaN here) are not read; the padding stays untouched.
                let start = values(n, 4)
                var fresh = [Float](repeating: .nan, count: m * ldc)
                packedProduct(m, n, k, a, lda, packed, &fresh, ldc, start)
                var fromStart = [Float](repeating: 0, count: m * ldc)
                for i in 0..<m { for j in 0..<n { fromStart[i * ldc + j] = start[j] } }
                gemmReference(transposeA: false, transposeB: transposed, m: m, n: n, k: k, a: a, lda: lda, b: w, ldb: ldw,
                              beta: 1, c: &fromStart, ldc: ldc)
                for i in 0..<m {
                    for j in 0..<ldc {
                        if j < n {
                            XCTAssertEqual(fresh[i * ldc + j], fromStart[i * ldc + j], accuracy: 1e-4, "\(name) from start: m \(m) n \(n) k \(k) at \(i), \(j)")
                        } else {
                            XCTAssertTrue(fresh[i * ldc + j].isNaN, "\(name) from start: padding column \(j) of row \(i) was written")
                        }
                    }
                }
            }
        }
    }
}

final class RowDotsTests: XCTestCase {
    /// The AVX-512 row dots sum each row in the portable kernel's order, so a sample drawn on any
    /// x86-64 CPU is the same: row counts past a multiple of 4, k past a multiple of 16 (the
    /// one-at-a-time tail), a row offset and a stride wider than k, accumulating or not.
    func testWideRowDotsGiveThePortableBits() throws {
        try XCTSkipUnless(glimpse_wide_products_available() != 0, "this CPU has no AVX-512: only the portable kernel runs here")
        var state: UInt64 = 99
        func values(_ n: Int) -> [Float] {
            (0..<n).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: state >> 11) % 20001) / 10000 - 1
            }
        }
        for (rows, k, first) in [(1, 16, 0), (7, 35, 2), (13, 256, 5), (4, 3, 0)] {
            let ld = k + 5
            let w = values((first + rows) * ld), x = values(k)
            for accumulate in [false, true] {
                var wide = values(rows), portable = wide
                glimpse_row_dots_wide(w, ld, k, x, first, rows, &wide, accumulate ? 1 : 0, nil)
                portableRowDots(w, ld: ld, k: k, vectors: 1, x: x, xStride: k, rows: first..<(first + rows), into: &portable, yStride: rows,
                                accumulate: accumulate)
                XCTAssertEqual(wide.map(\.bitPattern), portable.map(\.bitPattern), "rows \(rows) k \(k) first \(first) accumulate \(accumulate)")
            }
            // From a start row (a bias): the bits of copying it into y, then accumulating.
            let start = values(rows)
            var wide = [Float](repeating: .nan, count: rows), portable = start
            glimpse_row_dots_wide(w, ld, k, x, first, rows, &wide, 0, start)
            portableRowDots(w, ld: ld, k: k, vectors: 1, x: x, xStride: k, rows: first..<(first + rows), into: &portable, yStride: rows,
                            accumulate: true)
            XCTAssertEqual(wide.map(\.bitPattern), portable.map(\.bitPattern), "rows \(rows) k \(k) first \(first) from a start row")
        }
    }
}
