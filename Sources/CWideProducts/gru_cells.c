#include "gru_cells.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

#define WIDE __attribute__((target("avx512f,fma")))

// `x` with the lanes where `x < low` (or `x > high`) replaced, NaN kept, as Swift's `replacing`.
WIDE static inline __m512 raise_to(__m512 x, float low) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(low), _CMP_LT_OQ), x, _mm512_set1_ps(low));
}
WIDE static inline __m512 lower_to(__m512 x, float high) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(high), _CMP_GT_OQ), x, _mm512_set1_ps(high));
}

// Kernels' `fastExp`: n = round(x log2 e), a degree-6 polynomial of the rest, times 2^n.
WIDE static inline __m512 fast_exp(__m512 input) {
    __m512 x = lower_to(raise_to(input, -87.3f), 88.3f);
    __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    x = _mm512_fmadd_ps(n, _mm512_set1_ps(-0.693359375f), x);
    x = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), x);
    __m512 z = _mm512_mul_ps(x, x);
    __m512 y = _mm512_set1_ps(1.9875691500e-4f);
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(1.3981999507e-3f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(8.3334519073e-3f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(4.1665795894e-2f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(1.6666665459e-1f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(5.0000001201e-1f));
    y = _mm512_fmadd_ps(y, z, _mm512_add_ps(x, _mm512_set1_ps(1.0f)));
    __m512i integer = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(integer, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(y, scale);
}

// Kernels' `fastSigmoid`: 1 / (1 + e^-x).
WIDE static inline __m512 fast_sigmoid(__m512 x) {
    __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_div_ps(one, _mm512_add_ps(one, fast_exp(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

// Kernels' `fastTanh`: x P(x^2) / Q(x^2), x clamped to +-7.9053.
WIDE static inline __m512 fast_tanh(__m512 input) {
    const float bound = 7.90531110763549805f;
    __m512 x = raise_to(lower_to(input, bound), -bound);
    __m512 z = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-2.76076847742355e-16f);
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.00018790482477e-13f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-8.60467152213735e-11f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(5.12229709037114e-08f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.48572235717979e-05f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(6.37261928875436e-04f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(4.89352455891786e-03f));
    __m512 q = _mm512_set1_ps(1.19825839466702e-06f);
    q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(1.18534705686654e-04f));
    q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(2.26843463243900e-03f));
    q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(4.89352518554385e-03f));
    return _mm512_div_ps(_mm512_mul_ps(x, p), q);
}

// Stores the lanes of `mask` past the caches when they are a whole 64-byte-aligned vector.
WIDE static inline void stream_or_store(float *p, __mmask16 mask, __m512 v) {
    if (mask == 0xffff && ((unsigned long)p & 63) == 0) _mm512_stream_ps(p, v);
    else _mm512_mask_storeu_ps(p, mask, v);
}

WIDE void glimpse_gru_step_forward_wide(float *input_gates, const float *hidden_gates, const float *h_prev, float *h,
                                        float *hidden_n, long batch, long hidden) {
    const long H = hidden;
    __m512 one = _mm512_set1_ps(1.0f);
    for (long b = 0; b < batch; b++) {
        float *gi = input_gates + b * 3 * H, *hb = h + b * H, *kept = hidden_n + b * H;
        const float *gh = hidden_gates + b * 3 * H, *hp = h_prev + b * H;
        for (long j = 0; j < H; j += 16) {
            __mmask16 m = H - j >= 16 ? 0xffff : (__mmask16)((1u << (H - j)) - 1);
            __m512 r = fast_sigmoid(_mm512_add_ps(_mm512_maskz_loadu_ps(m, gi + j), _mm512_maskz_loadu_ps(m, gh + j)));
            __m512 z = fast_sigmoid(_mm512_add_ps(_mm512_maskz_loadu_ps(m, gi + H + j), _mm512_maskz_loadu_ps(m, gh + H + j)));
            __m512 hn = _mm512_maskz_loadu_ps(m, gh + 2 * H + j);
            __m512 nn = fast_tanh(_mm512_add_ps(_mm512_maskz_loadu_ps(m, gi + 2 * H + j), _mm512_mul_ps(r, hn)));
            _mm512_mask_storeu_ps(gi + j, m, r);
            _mm512_mask_storeu_ps(gi + H + j, m, z);
            _mm512_mask_storeu_ps(gi + 2 * H + j, m, nn);
            _mm512_mask_storeu_ps(kept + j, m, hn);
            __m512 next = _mm512_add_ps(_mm512_mul_ps(_mm512_sub_ps(one, z), nn), _mm512_mul_ps(z, _mm512_maskz_loadu_ps(m, hp + j)));
            _mm512_mask_storeu_ps(hb + j, m, next);
        }
    }
}

WIDE void glimpse_gru_step_backward_wide(const float *gates, const float *hidden_n, const float *h_prev, const float *grad_h,
                                         float *grad_input_gates, float *grad_hidden_gates, float *grad_hidden_n,
                                         float *grad_h_prev, long batch, long hidden) {
    const long H = hidden;
    __m512 one = _mm512_set1_ps(1.0f);
    for (long b = 0; b < batch; b++) {
        const float *g = gates + b * 3 * H, *hn = hidden_n + b * H, *hp = h_prev + b * H, *dhb = grad_h + b * H;
        float *dgi = grad_input_gates + b * 3 * H, *dgh = grad_hidden_gates + b * 3 * H;
        float *dhn = grad_hidden_n + b * H, *dhp = grad_h_prev + b * H;
        for (long j = 0; j < H; j += 16) {
            __mmask16 m = H - j >= 16 ? 0xffff : (__mmask16)((1u << (H - j)) - 1);
            __m512 r = _mm512_maskz_loadu_ps(m, g + j), z = _mm512_maskz_loadu_ps(m, g + H + j);
            __m512 nn = _mm512_maskz_loadu_ps(m, g + 2 * H + j), dh = _mm512_maskz_loadu_ps(m, dhb + j);
            __m512 one_z = _mm512_sub_ps(one, z);
            __m512 dn_pre = _mm512_mul_ps(_mm512_mul_ps(dh, one_z), _mm512_sub_ps(one, _mm512_mul_ps(nn, nn)));
            __m512 dz_pre = _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(dh, _mm512_sub_ps(_mm512_maskz_loadu_ps(m, hp + j), nn)), z), one_z);
            __m512 dr_pre = _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(dn_pre, _mm512_maskz_loadu_ps(m, hn + j)), r),
                                          _mm512_sub_ps(one, r));
            __m512 dn_r = _mm512_mul_ps(dn_pre, r);
            stream_or_store(dgi + j, m, dr_pre);
            stream_or_store(dgi + H + j, m, dz_pre);
            stream_or_store(dgi + 2 * H + j, m, dn_pre);
            _mm512_mask_storeu_ps(dgh + j, m, dr_pre);
            _mm512_mask_storeu_ps(dgh + H + j, m, dz_pre);
            _mm512_mask_storeu_ps(dgh + 2 * H + j, m, dn_r);
            stream_or_store(dhn + j, m, dn_r);
            _mm512_mask_storeu_ps(dhp + j, m, _mm512_mul_ps(dh, z));
        }
    }
    _mm_sfence();
}

#else

void glimpse_gru_step_forward_wide(float *input_gates, const float *hidden_gates, const float *h_prev, float *h,
                                   float *hidden_n, long batch, long hidden) {
    (void)input_gates; (void)hidden_gates; (void)h_prev; (void)h; (void)hidden_n; (void)batch; (void)hidden;
    __builtin_trap();
}

void glimpse_gru_step_backward_wide(const float *gates, const float *hidden_n, const float *h_prev, const float *grad_h,
                                    float *grad_input_gates, float *grad_hidden_gates, float *grad_hidden_n,
                                    float *grad_h_prev, long batch, long hidden) {
    (void)gates; (void)hidden_n; (void)h_prev; (void)grad_h; (void)grad_input_gates; (void)grad_hidden_gates;
    (void)grad_hidden_n; (void)grad_h_prev; (void)batch; (void)hidden;
    __builtin_trap();
}

#endif
