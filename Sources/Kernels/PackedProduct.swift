import Foundation
import CWideProducts

/// Products with a matrix packed once and reused many times (a recurrent layer's weights across
/// the steps of a sequence): `C[m, n] += A[m, k] * B[k, n]`, B stored as column panels of 16,
/// `packed[p][kk][l] = B[kk, 16 p + l]` (zero past n), so the inner loop streams contiguous memory.
/// For the small m of a recurrent step (a batch of rows) this runs near the core's FMA peak, well
/// above a general BLAS call that repacks B every time.

/// Floats needed to pack a `[k, n]` right-hand matrix.
public func packedCount(k: Int, n: Int) -> Int { (n + 15) / 16 * 16 * k }

/// Packs the right-hand matrix of `A * op(W)`: with `transposed`, `W` is stored `[n, k]` (the
/// product is `A W^T`, as `x W_hh^T` in a forward step); otherwise `W` is `[k, n]` (`A W`, as
/// `dGates W_hh` in a backward step). `ld` is W's row stride. In C with 16-float vectors where
/// the CPU has them (`wideProductsAvailable`): in GRU training (glimpse-bench, perf) packing took
/// 1.4% of the CPU time instead of 1.8% (a `memmove` call per 16 floats, Swift 8 x 8 transposes).
public func packRightHandSide(_ w: UnsafePointer<Float>, k: Int, n: Int, ld: Int, transposed: Bool, into packed: UnsafeMutablePointer<Float>) {
    if wideProductsAvailable {
        glimpse_pack_wide(w, k, n, ld, transposed ? 1 : 0, packed)
    } else {
        portablePackRightHandSide(w, k: k, n: n, ld: ld, transposed: transposed, into: packed)
    }
}

/// `packRightHandSide` in 8-float vectors, for any CPU; the same values.
public func portablePackRightHandSide(_ w: UnsafePointer<Float>, k: Int, n: Int, ld: Int, transposed: Bool,
                                      into packed: UnsafeMutablePointer<Float>) {
    let panels = (n + 15) / 16
    for p in 0..<panels {
        let panel = packed + p * k * 16, first = p * 16, width = min(16, n - first)
        if width < 16 { panel.update(repeating: 0, count: k * 16) }
        if transposed {
            var l = 0
            while l + 8 <= width {
                transposeRows(w + (first + l) * ld, ld: ld, k: k, into: panel + l)
                l += 8
            }
            for l in l..<width {
                let row = w + (first + l) * ld
                for kk in 0..<k { panel[kk * 16 + l] = row[kk] }
            }
        } else {
            for kk in 0..<k { (panel + kk * 16).update(from: w + kk * ld + first, count: width) }
        }
    }
}

/// Writes 8 rows of `k` values (stride `ld`) as `k` runs of 8 with a stride of 16 floats: eight by
/// eight blocks transposed in registers (5x faster than one element at a time).
@inline(__always)
private func transposeRows(_ rows: UnsafePointer<Float>, ld: Int, k: Int, into out: UnsafeMutablePointer<Float>) {
    var kk = 0
    while kk + 8 <= k {
        @inline(__always) func row(_ i: Int) -> Float8 { load8(rows + i * ld + kk) }
        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3), r4 = row(4), r5 = row(5), r6 = row(6), r7 = row(7)
        for c in 0..<8 {
            store8(Float8(r0[c], r1[c], r2[c], r3[c], r4[c], r5[c], r6[c], r7[c]), out + (kk + c) * 16)
        }
        kk += 8
    }
    for kk in kk..<k {
        for i in 0..<8 { out[kk * 16 + i] = rows[i * ld + kk] }
    }
}

/// `C[m, n] += A[m, k] * B` with B packed by `packRightHandSide`, or with `start` (a row of n
/// values, such as a bias) `C[i, :] = start + A[i, :] * B`, the old C not read. `A` rows have
/// stride `lda`, `C` rows `ldc`. Runs the 16-float kernel of `CWideProducts` where the CPU has
/// AVX-512 (`wideProductsAvailable`), else `portablePackedProduct`; both give the same bits.
@inline(__always)
public func packedProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    packed: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, start: UnsafePointer<Float>? = nil
) {
    if wideProductsAvailable {
        glimpse_packed_product_wide(m, n, k, a, lda, packed, c, ldc, start)
    } else {
        portablePackedProduct(m: m, n: n, k: k, a: a, lda: lda, packed: packed, c: c, ldc: ldc, start: start)
    }
}

/// Whether the 16-float (AVX-512) products of `CWideProducts` run (`packedProduct`, `gemm`): where
/// the CPU has them, unless `GLIMPSE_PORTABLE_PRODUCTS=1` asks for the portable kernels and
/// OpenBLAS (to compare the two, or to get another machine's bits).
public let wideProductsAvailable = glimpse_wide_products_available() != 0
    && ProcessInfo.processInfo.environment["GLIMPSE_PORTABLE_PRODUCTS"] != "1"

/// `packedProduct` in 8-float vectors, for any CPU: register tiles of 4 rows x 16 columns (8
/// vector accumulators, k in order); a 1-row tail summing even and odd k apart.
public func portablePackedProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    packed: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, start: UnsafePointer<Float>? = nil
) {
    var j = 0
    while j < n {
        let panel = packed + (j / 16) * k * 16
        let width = min(16, n - j)
        // The first values of a tile row: C's own, or the start row's.
        @inline(__always) func first(_ row: UnsafeMutablePointer<Float>, _ offset: Int) -> Float8 {
            if let start { return loadRow(UnsafeMutablePointer(mutating: start + j), width, offset) }
            return loadRow(row, width, offset)
        }
        var i = 0
        while i + 4 <= m {
            let a0 = a + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
            let c0 = c + i * ldc + j
            var x0 = first(c0, 0), y0 = first(c0, 8)
            var x1 = first(c0 + ldc, 0), y1 = first(c0 + ldc, 8)
            var x2 = first(c0 + 2 * ldc, 0), y2 = first(c0 + 2 * ldc, 8)
            var x3 = first(c0 + 3 * ldc, 0), y3 = first(c0 + 3 * ldc, 8)
            var p = panel
            for kk in 0..<k {
                let b0 = load8(p), b1 = load8(p + 8)
                let s0 = Float8(repeating: a0[kk]), s1 = Float8(repeating: a1[kk])
                let s2 = Float8(repeating: a2[kk]), s3 = Float8(repeating: a3[kk])
                x0.addProduct(s0, b0); y0.addProduct(s0, b1)
                x1.addProduct(s1, b0); y1.addProduct(s1, b1)
                x2.addProduct(s2, b0); y2.addProduct(s2, b1)
                x3.addProduct(s3, b0); y3.addProduct(s3, b1)
                p += 16
            }
            storeRow(x0, y0, c0, width); storeRow(x1, y1, c0 + ldc, width)
            storeRow(x2, y2, c0 + 2 * ldc, width); storeRow(x3, y3, c0 + 3 * ldc, width)
            i += 4
        }
        while i < m {
            let ai = a + i * lda, ci = c + i * ldc + j
            // Two interleaved halves of k keep four accumulators in flight.
            var x0 = first(ci, 0), y0 = first(ci, 8)
            var x1 = Float8(), y1 = Float8()
            var p = panel, kk = 0
            while kk + 2 <= k {
                let s0 = Float8(repeating: ai[kk]), s1 = Float8(repeating: ai[kk + 1])
                x0.addProduct(s0, load8(p)); y0.addProduct(s0, load8(p + 8))
                x1.addProduct(s1, load8(p + 16)); y1.addProduct(s1, load8(p + 24))
                p += 32; kk += 2
            }
            if kk < k {
                let s0 = Float8(repeating: ai[kk])
                x0.addProduct(s0, load8(p)); y0.addProduct(s0, load8(p + 8))
            }
            storeRow(x0 + x1, y0 + y1, ci, width)
            i += 1
        }
        j += 16
    }
}

/// Loads 8 floats of a C row starting at column `offset` of a tile `width` wide (0 past the edge).
@inline(__always)
func loadRow(_ row: UnsafeMutablePointer<Float>, _ width: Int, _ offset: Int) -> Float8 {
    if width == 16 { return load8(row + offset) }
    var v = Float8()
    for l in 0..<8 where offset + l < width { v[l] = row[offset + l] }
    return v
}

/// Stores a 16-wide tile row (two vectors), only the first `width` columns.
@inline(__always)
func storeRow(_ x: Float8, _ y: Float8, _ row: UnsafeMutablePointer<Float>, _ width: Int) {
    if width == 16 { store8(x, row); store8(y, row + 8); return }
    for l in 0..<min(8, width) { row[l] = x[l] }
    if width > 8 { for l in 0..<(width - 8) { row[8 + l] = y[l] } }
}
