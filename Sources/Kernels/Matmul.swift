import CBLAS
import CWideProducts

/// Row-major general matrix product:
/// `C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C[m, n]`,
/// where `op(X)` is `X` or its transpose. `lda`, `ldb`, `ldc` are the row strides of the
/// matrices as stored (for `A` stored transposed, `A` is `[k, m]` and `lda >= m`).
/// `beta = 1` accumulates into `C`, as every backward pass does.
///
/// Where the CPU has AVX-512 and B is not transposed, with `alpha` 1, `beta` 0 or 1 and a C of
/// at most 256 columns and `wideGemmMaximumOutput` floats on a core (the weight and input gradients
/// of the recurrent and output layers), the products run in `CWideProducts` (on Zen 4 about 5%
/// faster than OpenBLAS's kernels from memory); all others through OpenBLAS.
///
/// OpenBLAS itself runs single-threaded (its own threading scales poorly on the thin products of
/// recurrent layers); a product of at least `parallelGemmFlops` is split here into `threads`
/// blocks of C's rows (or columns, when C is wide), one per core, or, for a long sum of thin
/// products (k at least twice m and n: a weight gradient over a sequence's rows), into blocks of
/// k whose partial products are then added (each core reads only its share of A and B). Code
/// already running on several workers passes `threads: 1`.
public func gemm(
    transposeA: Bool, transposeB: Bool,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    threads: Int = kernelWorkers
) {
    if m == 0 || n == 0 { return }
    _ = kernelWorkers   // puts OpenBLAS in single-threaded mode before its first product
    let workers = min(threads, 2 * m * n * k / parallelGemmFlops + 1)
    if workers > 1 && k >= 2 * max(m, n) && k >= 64 {
        splitInnerDimension(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                            b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, blocks: workers)
        return
    }
    if workers > 1 {
        let splitRows = m >= n
        let extent = splitRows ? m : n
        let blocks = min(workers, max(1, extent / 16))
        if blocks > 1 {
            let sa = SharedPointer(a), sb = SharedPointer(b), sc = SharedPointer(c)
            parallelFor(workers: blocks) { w in
                // Block edges on multiples of 16 keep the BLAS kernels on full panels.
                let lo = (w * extent / blocks) / 16 * 16
                let hi = w == blocks - 1 ? extent : ((w + 1) * extent / blocks) / 16 * 16
                if hi <= lo { return }
                if splitRows {
                    let aBlock = transposeA ? sa.pointer + lo : sa.pointer + lo * lda
                    gemm(transposeA: transposeA, transposeB: transposeB, m: hi - lo, n: n, k: k, alpha: alpha,
                         a: aBlock, lda: lda, b: sb.pointer, ldb: ldb, beta: beta, c: sc.pointer + lo * ldc, ldc: ldc, threads: 1)
                } else {
                    let bBlock = transposeB ? sb.pointer + lo * ldb : sb.pointer + lo
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: hi - lo, k: k, alpha: alpha,
                         a: sa.pointer, lda: lda, b: bBlock, ldb: ldb, beta: beta, c: sc.pointer + lo, ldc: ldc, threads: 1)
                }
            }
            return
        }
    }
    if k == 0 {
        if beta == 0 {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        } else if beta != 1 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
        }
        return
    }
    if !transposeB && alpha == 1 && (beta == 0 || beta == 1) && wideGemmRuns(m: m, n: n) {
        glimpse_gemm_wide(transposeA ? 1 : 0, m, n, k, a, lda, b, ldb, c, ldc, beta == 1 ? 1 : 0)
        return
    }
    cblas_sgemm(
        CblasRowMajor,
        transposeA ? CblasTrans : CblasNoTrans,
        transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k),
        alpha, a, Int32(lda), b, Int32(ldb),
        beta, c, Int32(ldc))
}

/// `gemm` over `blocks` slices of k on separate cores: the first adds its product into C (with
/// `beta`), the others write theirs into scratch, which is then added into C row by row.
private func splitInnerDimension(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int, blocks: Int
) {
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: (blocks - 1) * m * n)
    defer { scratch.deallocate() }
    let sa = SharedPointer(a), sb = SharedPointer(b), sc = SharedPointer(c), partial = SharedPointer(scratch)
    parallelFor(workers: blocks) { w in
        let lo = w * k / blocks, hi = (w + 1) * k / blocks
        let aBlock = transposeA ? sa.pointer + lo * lda : sa.pointer + lo
        let bBlock = transposeB ? sb.pointer + lo : sb.pointer + lo * ldb
        if w == 0 {
            gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: hi - lo, alpha: alpha, a: aBlock, lda: lda,
                 b: bBlock, ldb: ldb, beta: beta, c: sc.pointer, ldc: ldc, threads: 1)
        } else {
            gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: hi - lo, alpha: alpha, a: aBlock, lda: lda,
                 b: bBlock, ldb: ldb, beta: 0, c: partial.pointer + (w - 1) * m * n, ldc: n, threads: 1)
        }
    }
    addPartialProducts(UnsafePointer(scratch), count: blocks - 1, m: m, n: n, into: c, ldc: ldc)
}

/// `C[m, n] += A^T B` for A `[rows, m]` and B `[rows, n]` (row strides `lda`, `ldb`) over the rows
/// of a time-major sequence, `rows = steps * batch`: the weight gradients of a recurrent layer.
/// Each of `blocks` cores sums the rows of its own block of the batch at every step
/// (`workerRange(w, of: blocks, total: batch)`), the rows a recurrence's row block wrote on that
/// core, and the partial products are then added into C. (Split into halves of the rows instead,
/// each core read half its rows from the other core's cache.) With `columnSums` (`[m]`, and rows
/// of A packed, `lda == m`), A's column sums over all the rows are added there too: a bias
/// gradient, summed from the A the product reads anyway. Where the wide products cannot run it,
/// `gemm` over all the rows.
public func gemmOverRowBlocks(
    m: Int, n: Int, steps: Int, batch: Int, blocks: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
    columnSums: UnsafeMutablePointer<Float>? = nil
) {
    if m == 0 || n == 0 || steps == 0 { return }
    precondition(columnSums == nil || lda == m, "column sums are made from packed rows of A")
    guard wideGemmRuns(m: m, n: n) && blocks > 1 && blocks <= batch && 2 * m * n * steps * batch >= parallelGemmFlops else {
        gemm(transposeA: true, transposeB: false, m: m, n: n, k: steps * batch, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: c, ldc: ldc)
        if let columnSums { addColumnSums(a, rows: steps * batch, columns: m, into: columnSums) }
        return
    }
    // The other blocks' partial products, then their partial column sums.
    let partialSize = (blocks - 1) * m * n
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: partialSize + (blocks - 1) * m)
    defer { scratch.deallocate() }
    if columnSums != nil { (scratch + partialSize).initialize(repeating: 0, count: (blocks - 1) * m) }
    let sa = SharedPointer(a), sb = SharedPointer(b), sc = SharedPointer(c), partial = SharedPointer(scratch)
    let sums = columnSums.map { SharedPointer($0) }
    parallelFor(workers: blocks) { w in
        let rows = workerRange(w, of: blocks, total: batch)
        let target = w == 0 ? sc.pointer : partial.pointer + (w - 1) * m * n
        let blockSums = sums.map { w == 0 ? $0.pointer : partial.pointer + partialSize + (w - 1) * m }
        glimpse_gemm_wide_runs(m, n, steps * rows.count, sa.pointer + rows.lowerBound * lda, lda, sb.pointer + rows.lowerBound * ldb, ldb,
                               target, w == 0 ? ldc : n, w == 0 ? 1 : 0, rows.count, batch, blockSums)
    }
    addPartialProducts(UnsafePointer(scratch), count: blocks - 1, m: m, n: n, into: c, ldc: ldc)
    if let columnSums {
        for w in 1..<blocks { accumulate(scratch + partialSize + (w - 1) * m, into: columnSums, count: m) }
    }
}

/// `C += P_1 + ... + P_count` for `count` partial products `[m, n]` stored one after another,
/// C's rows split over the cores.
private func addPartialProducts(_ partials: UnsafePointer<Float>, count: Int, m: Int, n: Int, into c: UnsafeMutablePointer<Float>, ldc: Int) {
    let source = SharedPointer(partials), target = SharedPointer(c)
    forEachSlice(of: m, slices: count + 1) { _, rows in
        for p in 0..<count {
            for i in rows { accumulate(source.pointer + p * m * n + i * n, into: target.pointer + i * ldc, count: n) }
        }
    }
}

/// The plain triple loop with the same contract as `gemm`, accumulated in Double.
/// It is the reference the BLAS path is tested against.
public func gemmReference(
    transposeA: Bool, transposeB: Bool,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let av = transposeA ? a[p * lda + i] : a[i * lda + p]
                let bv = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                sum += Double(av) * Double(bv)
            }
            let previous = beta == 0 ? 0 : beta * c[i * ldc + j]
            c[i * ldc + j] = alpha * Float(sum) + previous
        }
    }
}

/// The largest C (in floats) a single core's product runs in `CWideProducts`, with at most 256
/// columns: the weight and input gradients of recurrent layers and of the output layer. Its blocking
/// re-reads C for every 128 values of k, which larger products cannot keep in the core's cache:
/// square products of 1024 and 2048 ran at 50 and 40 GFLOP/s there, against about 100 in OpenBLAS.
public let wideGemmMaximumOutput = 1 << 18

/// Whether a product with a C of `m x n` runs in `CWideProducts` (on this CPU, at this size).
func wideGemmRuns(m: Int, n: Int) -> Bool {
    wideProductsAvailable && n <= 256 && m * n <= wideGemmMaximumOutput
}

/// Products of fewer flops than this run on one core (splitting them costs more than it saves).
public let parallelGemmFlops = 2_000_000
