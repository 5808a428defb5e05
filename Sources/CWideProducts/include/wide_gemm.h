// General products in 16-float (AVX-512) vectors, for `gemm` where B is not transposed: the
// weight and input gradients. On a Zen 4 core, from memory (as in training), 97-106 GFLOP/s for
// the shapes of a GRU layer's gradients against 93-103 for the kernels OpenBLAS 0.3.21 chooses
// there; an input gradient (A B, 1024x256x768) 105-106 against 101-103. In GRU training, alternated
// runs gave +2-4% in four of five pairs. Call only where `glimpse_wide_products_available()`.
#ifndef GLIMPSE_WIDE_GEMM_H
#define GLIMPSE_WIDE_GEMM_H

// `C[m, n] = op(A)[m, k] * B[k, n]`, plus the old C when `accumulate` is not 0. B is row-major
// with row stride `ldb`; A is `[m, k]` with row stride `lda`, or with `transpose_a` stored `[k, m]`.
// C rows have stride `ldc`. k > 0.
void glimpse_gemm_wide(int transpose_a, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                       float *c, long ldc, int accumulate);

#endif
