#include "row_dots.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

#define WIDE __attribute__((target("avx512f,avx2,fma")))

// The sum of one row's accumulator, lanes 0-7 being the Swift kernel's first accumulator and
// 8-15 its second: (a + b), then its halves added, then ((q0 + q1) + (q2 + q3)).
WIDE static inline float row_sum(__m512 acc) {
    __m256 s = _mm256_add_ps(_mm512_castps512_ps256(acc), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc), 1)));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    float v[4];
    _mm_storeu_ps(v, q);
    return (v[0] + v[1]) + (v[2] + v[3]);
}

WIDE void glimpse_row_dots_wide(const float *w, long ld, long k, const float *x, long first, long count, float *y, int accumulate,
                                const float *start) {
    long body = k - k % 16;
    for (long r = 0; r < count; r += 4) {
        long rows = count - r < 4 ? count - r : 4;
        const float *w0 = w + (first + r) * ld;
        const float *w1 = rows > 1 ? w0 + ld : w0, *w2 = rows > 2 ? w0 + 2 * ld : w0, *w3 = rows > 3 ? w0 + 3 * ld : w0;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (long kk = 0; kk < body; kk += 16) {
            __m512 xv = _mm512_loadu_ps(x + kk);
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + kk), xv, a0);
            a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + kk), xv, a1);
            a2 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + kk), xv, a2);
            a3 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + kk), xv, a3);
        }
        float sums[4] = {row_sum(a0), row_sum(a1), row_sum(a2), row_sum(a3)};
        for (long kk = body; kk < k; kk++) {
            float xk = x[kk], p0 = w0[kk] * xk, p1 = w1[kk] * xk, p2 = w2[kk] * xk, p3 = w3[kk] * xk;
            sums[0] = sums[0] + p0; sums[1] = sums[1] + p1; sums[2] = sums[2] + p2; sums[3] = sums[3] + p3;
        }
        for (long i = 0; i < rows; i++) y[r + i] = accumulate ? y[r + i] + sums[i] : start ? start[r + i] + sums[i] : sums[i];
    }
}

#else

void glimpse_row_dots_wide(const float *w, long ld, long k, const float *x, long first, long count, float *y, int accumulate,
                           const float *start) {
    (void)w; (void)ld; (void)k; (void)x; (void)first; (void)count; (void)y; (void)accumulate; (void)start;
    __builtin_trap();
}

#endif
