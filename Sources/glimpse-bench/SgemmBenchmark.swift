import Kernels

/// sgemm GFLOP/s (`2 n^3` flops) for square products: single-threaded OpenBLAS, and split over
/// 2 cores as `gemm` does for every large product.
func benchmarkSgemm(_ report: Report) {
    for threads in [1, 2] {
        for n in [256, 512, 1024, 2048] {
            var generator = SplitMix(seed: UInt64(n))
            let a = (0..<(n * n)).map { _ in generator.nextFloat() }
            let b = (0..<(n * n)).map { _ in generator.nextFloat() }
            var c = [Float](repeating: 0, count: n * n)
            let seconds = secondsPerCall(minimumTime: n >= 2048 ? 1.0 : 0.3) {
                gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n, threads: threads)
            }
            report.add("sgemm_\(n)", "gflops_\(threads)_thread\(threads > 1 ? "s" : "")", 2 * Double(n * n * n) / seconds / 1e9, "GFLOP/s")
        }
    }
}

/// A tiny deterministic generator for benchmark inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 24) - 0.5 }
}
