#include "packed_product.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "transpose16.h"

#define WIDE __attribute__((target("avx512f,fma")))

int glimpse_wide_products_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

// R rows of one 16-column panel, one vector accumulator per row, k in order.
#define TILE(R)                                                                                   \
    WIDE static void tile##R(long k, const float *a, long lda, const float *panel, float *c,      \
                             long ldc, const float *start, __mmask16 mask) {                      \
        __m512 acc[R];                                                                            \
        for (int r = 0; r < R; r++) acc[r] = _mm512_maskz_loadu_ps(mask, start ? start : c + r * ldc); \
        const float *p = panel;                                                                   \
        for (long kk = 0; kk < k; kk++, p += 16) {                                                \
            __m512 b = _mm512_loadu_ps(p);                                                        \
            for (int r = 0; r < R; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * lda + kk]), b, acc[r]); \
        }                                                                                         \
        for (int r = 0; r < R; r++) _mm512_mask_storeu_ps(c + r * ldc, mask, acc[r]);             \
    }
TILE(8)
TILE(4)

// One row: two accumulators over the even and odd k, added at the end.
WIDE static void row(long k, const float *a, const float *panel, float *c, const float *start, __mmask16 mask) {
    __m512 even = _mm512_maskz_loadu_ps(mask, start ? start : c), odd = _mm512_setzero_ps();
    const float *p = panel;
    long kk = 0;
    for (; kk + 2 <= k; kk += 2, p += 32) {
        even = _mm512_fmadd_ps(_mm512_set1_ps(a[kk]), _mm512_loadu_ps(p), even);
        odd = _mm512_fmadd_ps(_mm512_set1_ps(a[kk + 1]), _mm512_loadu_ps(p + 16), odd);
    }
    if (kk < k) even = _mm512_fmadd_ps(_mm512_set1_ps(a[kk]), _mm512_loadu_ps(p), even);
    _mm512_mask_storeu_ps(c, mask, _mm512_add_ps(even, odd));
}

WIDE void glimpse_packed_product_wide(long m, long n, long k, const float *a, long lda, const float *packed,
                                      float *c, long ldc, const float *start) {
    for (long j = 0; j < n; j += 16) {
        const float *panel = packed + (j / 16) * k * 16;
        long width = n - j < 16 ? n - j : 16;
        __mmask16 mask = (__mmask16)((1u << width) - 1);
        const float *first = start ? start + j : 0;
        long i = 0;
        for (; i + 8 <= m; i += 8) tile8(k, a + i * lda, lda, panel, c + i * ldc + j, ldc, first, mask);
        for (; i + 4 <= m; i += 4) tile4(k, a + i * lda, lda, panel, c + i * ldc + j, ldc, first, mask);
        for (; i < m; i++) row(k, a + i * lda, panel, c + i * ldc + j, first, mask);
    }
}

WIDE void glimpse_pack_wide(const float *w, long k, long n, long ld, int transposed, float *packed) {
    for (long first = 0; first < n; first += 16) {
        float *panel = packed + first * k;
        long width = n - first < 16 ? n - first : 16;
        __mmask16 mask = (__mmask16)((1u << width) - 1);
        if (!transposed) {
            for (long kk = 0; kk < k; kk++) _mm512_storeu_ps(panel + kk * 16, _mm512_maskz_loadu_ps(mask, w + kk * ld + first));
            continue;
        }
        // W's rows first..<first + width, 16 of their k at a time, as 16 x 16 blocks transposed.
        long kk = 0;
        for (; kk + 16 <= k; kk += 16) {
            __m512 r[16];
            for (long q = 0; q < 16; q++) r[q] = q < width ? _mm512_loadu_ps(w + (first + q) * ld + kk) : _mm512_setzero_ps();
            transpose16(r);
            for (long l = 0; l < 16; l++) _mm512_storeu_ps(panel + (kk + l) * 16, r[l]);
        }
        for (; kk < k; kk++)
            for (long q = 0; q < 16; q++) panel[kk * 16 + q] = q < width ? w[(first + q) * ld + kk] : 0;
    }
}

#else

int glimpse_wide_products_available(void) { return 0; }

void glimpse_pack_wide(const float *w, long k, long n, long ld, int transposed, float *packed) {
    (void)w; (void)k; (void)n; (void)ld; (void)transposed; (void)packed;
    __builtin_trap();
}

void glimpse_packed_product_wide(long m, long n, long k, const float *a, long lda, const float *packed,
                                 float *c, long ldc, const float *start) {
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)c; (void)ldc; (void)start;
    __builtin_trap();
}

#endif
