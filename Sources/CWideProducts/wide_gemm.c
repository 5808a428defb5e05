#include "wide_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "transpose16.h"

#define WIDE __attribute__((target("avx512f,fma")))

// Non-transposed A: sums of this many k at a time, so the B panel (128 x 16 floats) stays in the
// first-level cache while the row tiles pass over it. (Blocks of 1024 ran at 93 GFLOP/s.)
enum { block_k = 128 };

// R rows of C times one 16-column panel (`mask` marks the columns inside C), over `kc` values of
// k: one vector accumulator per row, A broadcast a value at a time.
#define TILE(NAME, R)                                                                             \
    WIDE static void NAME(long kc, const float *a, long lda, const float *b, long ldb, float *c,  \
                          long ldc, int load_c, __mmask16 mask) {                                 \
        __m512 acc[R];                                                                            \
        for (int r = 0; r < R; r++)                                                               \
            acc[r] = load_c ? _mm512_maskz_loadu_ps(mask, c + r * ldc) : _mm512_setzero_ps();     \
        for (long kk = 0; kk < kc; kk++) {                                                        \
            __m512 bv = _mm512_maskz_loadu_ps(mask, b + kk * ldb);                                \
            for (int r = 0; r < R; r++)                                                           \
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * lda + kk]), bv, acc[r]);            \
        }                                                                                         \
        for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(c + r * ldc, mask, acc[r]);             \
    }
TILE(rows8, 8)
TILE(rows4, 4)
TILE(rows1, 1)

// Transposed A (stored `[k, m]`): sums of this many k at a time. A 16-row strip of A's block
// (16 KB) and the B block (256 x n) stay in the core's caches while the tiles pass over them.
enum { block_k_transposed = 256 };

// A run of consecutive k (`count` rows of A and of B from `a` and `b`).
struct segment { const float *a, *b; long count; };

// A 16 x 16 tile of C (rows i.., columns j..; `rows` of them inside C, `row_mask` for A's lanes,
// `column_mask` for C's columns) as outer products: per k, 16 rows of A in one vector times each
// of 16 values of B's row, broadcast, into one accumulator per column. A is read in place, a line
// per k, with no copy; the accumulators hold C's columns and are transposed once at the end.
// With `sums`, the vectors of A read are also added up: `sums[0..<rows] +=` A's column sums.
WIDE static inline __attribute__((always_inline)) void
outer_tile(long segments, const struct segment *runs, long lda, long ldb, long i, long j, float *c, long ldc, int load_c,
           __mmask16 row_mask, __mmask16 column_mask, long rows, float *sums) {
    __m512 acc[16], total = _mm512_setzero_ps();
    for (int q = 0; q < 16; q++) acc[q] = _mm512_setzero_ps();
    for (long s = 0; s < segments; s++) {
        const float *ap = runs[s].a + i, *bp = runs[s].b + j;
        for (long kk = 0; kk < runs[s].count; kk++, ap += lda, bp += ldb) {
            __m512 av = _mm512_maskz_loadu_ps(row_mask, ap);
            if (sums) total = _mm512_add_ps(total, av);
            for (int q = 0; q < 16; q++) acc[q] = _mm512_fmadd_ps(av, _mm512_set1_ps(bp[q]), acc[q]);
        }
    }
    if (sums) _mm512_mask_storeu_ps(sums, row_mask, _mm512_add_ps(total, _mm512_maskz_loadu_ps(row_mask, sums)));
    transpose16(acc);
    for (long r = 0; r < rows; r++) {
        __m512 v = acc[r];
        if (load_c) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(column_mask, c + r * ldc));
        _mm512_mask_storeu_ps(c + r * ldc, column_mask, v);
    }
}

WIDE void glimpse_gemm_wide_runs(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                                 long ldc, int accumulate, long run_rows, long run_stride, float *column_sums) {
    enum { most_runs = block_k_transposed };
    struct segment runs[most_runs], tail_runs[most_runs];
    float tail_panel[block_k_transposed * 16] __attribute__((aligned(64)));
    long full_n = n / 16 * 16, tail = n - full_n;
    __mmask16 tail_mask = (__mmask16)((1u << tail) - 1);
    for (long k0 = 0; k0 < k; k0 += block_k_transposed) {
        long kc = k - k0 < block_k_transposed ? k - k0 : block_k_transposed;
        // The block's k as runs of consecutive rows.
        long segments = 0;
        for (long p = k0; p < k0 + kc;) {
            long in_run = p % run_rows, count = run_rows - in_run;
            if (count > k0 + kc - p) count = k0 + kc - p;
            long row = p / run_rows * run_stride + in_run;
            runs[segments++] = (struct segment){a + row * lda, b + row * ldb, count};
            p += count;
        }
        // C's last columns past a multiple of 16: their part of B's rows, zero-padded to 16.
        if (tail) {
            float *panel = tail_panel;
            for (long s = 0; s < segments; s++) {
                tail_runs[s] = (struct segment){runs[s].a, panel, runs[s].count};
                for (long kk = 0; kk < runs[s].count; kk++, panel += 16)
                    _mm512_store_ps(panel, _mm512_maskz_loadu_ps(tail_mask, runs[s].b + kk * ldb + full_n));
            }
        }
        int load_c = accumulate || k0 > 0;
        for (long i = 0; i < m; i += 16) {
            long rows = m - i < 16 ? m - i : 16;
            __mmask16 row_mask = (__mmask16)((1u << rows) - 1);
            // The first panel also sums A's columns, when asked.
            for (long j = 0; j < full_n; j += 16) {
                if (j == 0 && column_sums)
                    outer_tile(segments, runs, lda, ldb, i, j, c + i * ldc, ldc, load_c, row_mask, 0xffff, rows, column_sums + i);
                else
                    outer_tile(segments, runs, lda, ldb, i, j, c + i * ldc + j, ldc, load_c, row_mask, 0xffff, rows, 0);
            }
            if (tail && full_n == 0 && column_sums)
                outer_tile(segments, tail_runs, lda, 16, i, 0, c + i * ldc, ldc, load_c, row_mask, tail_mask, rows, column_sums + i);
            else if (tail)
                outer_tile(segments, tail_runs, lda, 16, i, 0, c + i * ldc + full_n, ldc, load_c, row_mask, tail_mask, rows, 0);
        }
    }
}

WIDE void glimpse_gemm_wide(int transpose_a, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                            float *c, long ldc, int accumulate) {
    if (transpose_a) {
        glimpse_gemm_wide_runs(m, n, k, a, lda, b, ldb, c, ldc, accumulate, k, k, 0);
        return;
    }
    for (long k0 = 0; k0 < k; k0 += block_k) {
        long kc = k - k0 < block_k ? k - k0 : block_k;
        int load_c = accumulate || k0 > 0;
        const float *ak = a + k0, *bk = b + k0 * ldb;
        for (long j = 0; j < n; j += 16) {
            long width = n - j < 16 ? n - j : 16;
            __mmask16 mask = (__mmask16)((1u << width) - 1);
            float *cj = c + j;
            long i = 0;
            for (; i + 8 <= m; i += 8) rows8(kc, ak + i * lda, lda, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
            for (; i + 4 <= m; i += 4) rows4(kc, ak + i * lda, lda, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
            for (; i < m; i++) rows1(kc, ak + i * lda, lda, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
        }
    }
}

#else

void glimpse_gemm_wide(int transpose_a, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                       float *c, long ldc, int accumulate) {
    (void)transpose_a; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb; (void)c; (void)ldc; (void)accumulate;
    __builtin_trap();
}

void glimpse_gemm_wide_runs(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                            long ldc, int accumulate, long run_rows, long run_stride, float *column_sums) {
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb; (void)c; (void)ldc; (void)accumulate;
    (void)run_rows; (void)run_stride; (void)column_sums;
    __builtin_trap();
}

#endif
