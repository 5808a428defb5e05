#include "wide_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define WIDE __attribute__((target("avx512f,fma")))

// Sums of this many k at a time: the B panel (128 x 16 floats) stays in the first-level cache
// while the row tiles pass over it. (Blocks of 1024 ran the weight gradient at 93 GFLOP/s.)
enum { block_k = 128 };

// R rows of C times one 16-column panel (`mask` marks the columns inside C), over `kc` values of
// k: one vector accumulator per row. `A_AT` is the element (row r, k index kk) of A.
#define TILE(NAME, R, A_AT)                                                                       \
    WIDE static void NAME(long kc, const float *a, long lda, const float *b, long ldb, float *c,  \
                          long ldc, int load_c, __mmask16 mask) {                                 \
        __m512 acc[R];                                                                            \
        for (int r = 0; r < R; r++)                                                               \
            acc[r] = load_c ? _mm512_maskz_loadu_ps(mask, c + r * ldc) : _mm512_setzero_ps();     \
        for (long kk = 0; kk < kc; kk++) {                                                        \
            __m512 bv = _mm512_maskz_loadu_ps(mask, b + kk * ldb);                                \
            for (int r = 0; r < R; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(A_AT), bv, acc[r]); \
        }                                                                                         \
        for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(c + r * ldc, mask, acc[r]);             \
    }
TILE(rows8, 8, a[r * lda + kk])
TILE(rows4, 4, a[r * lda + kk])
TILE(rows1, 1, a[kk])
TILE(packed8, 8, a[kk * 8 + r])
TILE(packed4, 4, a[kk * 4 + r])
TILE(packed1, 1, a[kk])

// A stored `[k, m]` has the values of a row tile `lda` floats apart in k; with `lda` a multiple
// of 16 floats (768 for a GRU's gates) the k rows of a block fall into a few cache sets and evict
// each other (a 512x256x1024 weight gradient ran at 91 GFLOP/s straight from A). So each block
// of A is first copied as row tiles, `[tile][kk][width]`, into a buffer each thread keeps.
static _Thread_local float *tile_buffer;
static _Thread_local long tile_capacity;

static float *tile_storage(long count) {
    if (count > tile_capacity) {
        free(tile_buffer);
        tile_buffer = aligned_alloc(64, (size_t)((count + 15) / 16 * 16) * sizeof(float));
        if (!tile_buffer) abort();
        tile_capacity = (count + 15) / 16 * 16;
    }
    return tile_buffer;
}

// Copies `kc` rows of A (stored `[k, m]`) as tiles of 8 columns, then 4, then 1 (as the row
// tiles run), a row of A at a time so that A is read in order.
static void copy_tiles(long kc, long m, const float *a, long lda, float *tiles) {
    for (long kk = 0; kk < kc; kk++) {
        const float *row = a + kk * lda;
        float *tile = tiles;
        long i = 0;
        for (; i + 8 <= m; i += 8, tile += kc * 8) memcpy(tile + kk * 8, row + i, 8 * sizeof(float));
        for (; i + 4 <= m; i += 4, tile += kc * 4) memcpy(tile + kk * 4, row + i, 4 * sizeof(float));
        for (; i < m; i++, tile += kc) tile[kk] = row[i];
    }
}

WIDE void glimpse_gemm_wide(int transpose_a, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                            float *c, long ldc, int accumulate) {
    for (long k0 = 0; k0 < k; k0 += block_k) {
        long kc = k - k0 < block_k ? k - k0 : block_k;
        int load_c = accumulate || k0 > 0;
        const float *ak = transpose_a ? a + k0 * lda : a + k0, *bk = b + k0 * ldb;
        float *tiles = 0;
        if (transpose_a) {
            tiles = tile_storage(kc * m);
            copy_tiles(kc, m, ak, lda, tiles);
        }
        for (long j = 0; j < n; j += 16) {
            long width = n - j < 16 ? n - j : 16;
            __mmask16 mask = (__mmask16)((1u << width) - 1);
            float *cj = c + j;
            long i = 0;
            if (transpose_a) {
                const float *t = tiles;
                for (; i + 8 <= m; i += 8, t += kc * 8) packed8(kc, t, 8, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
                for (; i + 4 <= m; i += 4, t += kc * 4) packed4(kc, t, 4, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
                for (; i < m; i++, t += kc) packed1(kc, t, 1, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
            } else {
                for (; i + 8 <= m; i += 8) rows8(kc, ak + i * lda, lda, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
                for (; i + 4 <= m; i += 4) rows4(kc, ak + i * lda, lda, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
                for (; i < m; i++) rows1(kc, ak + i * lda, lda, bk + j, ldb, cj + i * ldc, ldc, load_c, mask);
            }
        }
    }
}

#else

void glimpse_gemm_wide(int transpose_a, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                       float *c, long ldc, int accumulate) {
    (void)transpose_a; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb; (void)c; (void)ldc; (void)accumulate;
    __builtin_trap();
}

#endif
