import Kernels

/// Matrix product `op(a) op(b)`, `op` the identity or the transpose of the last two axes.
///
/// - rank 2 x rank 2: `[M, K] x [K, N] -> [M, N]` (any transposes).
/// - rank 3 x rank 3: a batch of products, `[B, M, K] x [B, K, N] -> [B, M, N]` (any transposes).
/// - rank >= 3 x rank 2: `b` is shared; `[..., M, K] x [K, N] -> [..., M, N]` (one sgemm; `a` not transposed).
///
/// Backward: `dA += dC op(B)^T`, `dB += op(A)^T dC`, written out for every transpose case.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul needs matrices, got shapes \(a.shape) and \(b.shape)")
    if a.rank >= 3 && b.rank == 2 {
        precondition(!transposeA, "matmul of a batch by a shared matrix does not transpose the batch")
        let k = a.shape[a.rank - 1]
        let rows = a.count / max(k, 1)
        let flat = a.reshaped([rows, k])
        let product = matmul(flat, b, transposeB: transposeB)
        return product.reshaped(Array(a.shape.dropLast()) + [product.shape[1]])
    }
    precondition(a.rank == b.rank && a.rank <= 3, "matmul does not take shapes \(a.shape) and \(b.shape)")
    let batch = a.rank == 3 ? a.shape[0] : 1
    if a.rank == 3 { precondition(b.shape[0] == batch, "matmul batch sizes differ: \(a.shape) and \(b.shape)") }
    let ar = a.shape[a.rank - 2], ac = a.shape[a.rank - 1]
    let br = b.shape[b.rank - 2], bc = b.shape[b.rank - 1]
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (k2, n) = transposeB ? (bc, br) : (br, bc)
    precondition(k == k2, "matmul inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : "")")
    let outShape = a.rank == 3 ? [batch, m, n] : [m, n]
    let out = Tensor.uninitializedOutput(outShape)
    let lda = ac, ldb = bc
    for i in 0..<batch {
        gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
             a: a.data + i * ar * ac, lda: lda, b: b.data + i * br * bc, ldb: ldb,
             c: out.data + i * m * n, ldc: n)
    }
    out.record([a, b]) { out in
        let gc = out.grad!
        for i in 0..<batch {
            let A = a.data + i * ar * ac, B = b.data + i * br * bc, G = gc + i * m * n
            if a.requiresGrad {
                let gA = a.gradientBuffer() + i * ar * ac
                if !transposeA {
                    gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                         a: G, lda: n, b: B, ldb: ldb, beta: 1, c: gA, ldc: k)
                } else {
                    gemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                         a: B, lda: ldb, b: G, ldb: n, beta: 1, c: gA, ldc: m)
                }
            }
            if b.requiresGrad {
                let gB = b.gradientBuffer() + i * br * bc
                if !transposeB {
                    gemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                         a: A, lda: lda, b: G, ldb: n, beta: 1, c: gB, ldc: n)
                } else {
                    gemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                         a: G, lda: n, b: A, ldb: lda, beta: 1, c: gB, ldc: k)
                }
            }
        }
    }
    return out
}
