import CWideProducts

/// Matrix-vector products for batch-1 inference (sampling, greedy decoding), where the weights are
/// streamed once per step and arithmetic is cheap: rows are dotted with the vector four at a time,
/// each with two accumulators, so eight FMA chains are in flight.

/// `y[i] = sum_k W[rows.lowerBound + i, k] * x[k]` (plus `y[i]` when `accumulate`, else plus
/// `start[i]` when given: a bias, with the bits of copying it into y and accumulating, without the
/// copy), W row-major with row stride `ld`, for the rows in `rows`.
public func rowDots(_ w: UnsafePointer<Float>, ld: Int, k: Int, x: UnsafePointer<Float>, rows: Range<Int>,
                    into y: UnsafeMutablePointer<Float>, accumulate: Bool = false, start: UnsafePointer<Float>? = nil) {
    if wideProductsAvailable {
        glimpse_row_dots_wide(w, ld, k, x, rows.lowerBound, rows.count, y, accumulate ? 1 : 0, start)
        return
    }
    if !accumulate, let start { y.update(from: start, count: rows.count) }
    portableRowDots(w, ld: ld, k: k, vectors: 1, x: x, xStride: k, rows: rows, into: y, yStride: rows.count,
                    accumulate: accumulate || start != nil)
}

/// The same for several vectors at once (the hypotheses of a beam, a batch of images):
/// `y[v * yStride + i] = sum_k W[rows.lowerBound + i, k] * x[v * xStride + k]` for `v < vectors`.
/// Each block of four weight rows comes from memory once and is reused from L1 for every vector.
/// One vector runs as the single-vector `rowDots` (in `CWideProducts` where the CPU has AVX-512).
public func rowDots(_ w: UnsafePointer<Float>, ld: Int, k: Int, vectors: Int, x: UnsafePointer<Float>, xStride: Int,
                    rows: Range<Int>, into y: UnsafeMutablePointer<Float>, yStride: Int, accumulate: Bool = false) {
    if vectors == 1 {
        rowDots(w, ld: ld, k: k, x: x, rows: rows, into: y, accumulate: accumulate)
    } else {
        portableRowDots(w, ld: ld, k: k, vectors: vectors, x: x, xStride: xStride, rows: rows, into: y, yStride: yStride, accumulate: accumulate)
    }
}

/// `rowDots` in 8-float vectors, on any CPU.
public func portableRowDots(_ w: UnsafePointer<Float>, ld: Int, k: Int, vectors: Int, x: UnsafePointer<Float>, xStride: Int,
                            rows: Range<Int>, into y: UnsafeMutablePointer<Float>, yStride: Int, accumulate: Bool = false) {
    var r = rows.lowerBound
    let tail = k - k % 16
    while r < rows.upperBound {
        let count = min(4, rows.upperBound - r)
        let w0 = w + r * ld
        let w1 = count > 1 ? w0 + ld : w0, w2 = count > 2 ? w0 + 2 * ld : w0, w3 = count > 3 ? w0 + 3 * ld : w0
        for v in 0..<vectors {
            let xv = x + v * xStride
            var a0 = Float8(), a1 = Float8(), a2 = Float8(), a3 = Float8()
            var b0 = Float8(), b1 = Float8(), b2 = Float8(), b3 = Float8()
            var kk = 0
            while kk < tail {
                let x0 = load8(xv + kk), x1 = load8(xv + kk + 8)
                a0.addProduct(load8(w0 + kk), x0); b0.addProduct(load8(w0 + kk + 8), x1)
                a1.addProduct(load8(w1 + kk), x0); b1.addProduct(load8(w1 + kk + 8), x1)
                a2.addProduct(load8(w2 + kk), x0); b2.addProduct(load8(w2 + kk + 8), x1)
                a3.addProduct(load8(w3 + kk), x0); b3.addProduct(load8(w3 + kk + 8), x1)
                kk += 16
            }
            var sums = horizontalSums(a0 + b0, a1 + b1, a2 + b2, a3 + b3)
            while kk < k {
                let xk = xv[kk]
                sums[0] += w0[kk] * xk; sums[1] += w1[kk] * xk; sums[2] += w2[kk] * xk; sums[3] += w3[kk] * xk
                kk += 1
            }
            let out = y + v * yStride + (r - rows.lowerBound)
            if count == 4 {
                let raw = UnsafeMutableRawPointer(out)
                raw.storeBytes(of: accumulate ? raw.loadUnaligned(as: SIMD4<Float>.self) + sums : sums, as: SIMD4<Float>.self)
            } else {
                for i in 0..<count { out[i] = accumulate ? out[i] + sums[i] : sums[i] }
            }
        }
        r += count
    }
}

/// The lane sums of four vectors, `(sum a, sum b, sum c, sum d)`, by a tree of half-vector adds
/// (a transposing reduction: shuffles and three adds, instead of four chains of seven scalar adds).
@inline(__always)
func horizontalSums(_ a: Float8, _ b: Float8, _ c: Float8, _ d: Float8) -> SIMD4<Float> {
    let qa = a.lowHalf + a.highHalf, qb = b.lowHalf + b.highHalf, qc = c.lowHalf + c.highHalf, qd = d.lowHalf + d.highHalf
    let ab = Float8(lowHalf: qa, highHalf: qb), cd = Float8(lowHalf: qc, highHalf: qd)
    let pairs = Float8(lowHalf: ab.evenHalf + ab.oddHalf, highHalf: cd.evenHalf + cd.oddHalf)
    return pairs.evenHalf + pairs.oddHalf
}

/// `rowDots` over `rows`, in blocks of 32 rows from the last block to the first when `descending`.
/// Alternating the order from one step to the next keeps the most recently read weights (still in
/// cache) first, when a core's share of the weights is a little larger than its cache.
public func rowDots(_ w: UnsafePointer<Float>, ld: Int, k: Int, x: UnsafePointer<Float>, rows: Range<Int>,
                    into y: UnsafeMutablePointer<Float>, accumulate: Bool = false, start: UnsafePointer<Float>? = nil, descending: Bool) {
    guard descending else { return rowDots(w, ld: ld, k: k, x: x, rows: rows, into: y, accumulate: accumulate, start: start) }
    var upper = rows.upperBound
    while upper > rows.lowerBound {
        let lower = max(rows.lowerBound, upper - 32), offset = lower - rows.lowerBound
        rowDots(w, ld: ld, k: k, x: x, rows: lower..<upper, into: y + offset, accumulate: accumulate, start: start.map { $0 + offset })
        upper = lower
    }
}
