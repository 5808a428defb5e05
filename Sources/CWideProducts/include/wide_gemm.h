// General products in 16-float (AVX-512) vectors, for `gemm` where B is not transposed: the
// weight and input gradients. On a Zen 4 core, from memory (as in training), an input gradient
// (A B, 1024x256x768) runs at 105-106 GFLOP/s against 101-103 for the kernels OpenBLAS 0.3.21
// chooses there. The weight gradients (A^T B) run as outer products of A's rows read in place:
// 102-108 GFLOP/s for a GRU layer's shapes (k 1024) against 95-103 when A was first copied as row
// tiles, and 93-103 in OpenBLAS. Call only where `glimpse_wide_products_available()`.
#ifndef GLIMPSE_WIDE_GEMM_H
#define GLIMPSE_WIDE_GEMM_H

// `C[m, n] = op(A)[m, k] * B[k, n]`, plus the old C when `accumulate` is not 0. B is row-major
// with row stride `ldb`; A is `[m, k]` with row stride `lda`, or with `transpose_a` stored `[k, m]`.
// C rows have stride `ldc`. k > 0.
void glimpse_gemm_wide(int transpose_a, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                       float *c, long ldc, int accumulate);

// `C[m, n] = A^T B` (plus the old C when `accumulate` is not 0) for A stored `[k, m]`, over k rows
// of A and B taken as runs: `run_rows` consecutive rows, each run `run_stride` rows after the last
// (`run_rows == run_stride`: all k rows in order). With a time-major sequence's rows `[T * batch]`
// and runs of a row block's rows (`run_stride` = batch), a core sums only the rows it wrote.
// When `column_sums` is not null, the column sums of A over those rows are added into it (`[m]`):
// a bias gradient, from the A the product reads anyway.
void glimpse_gemm_wide_runs(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                            long ldc, int accumulate, long run_rows, long run_stride, float *column_sums);

#endif
