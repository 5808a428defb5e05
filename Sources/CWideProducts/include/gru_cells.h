// The GRU step's element-wise passes of Kernels (`gruStepForward`, `gruStepBackward`) in 16-float
// (AVX-512) vectors, chosen at run time where the CPU has them. Every lane runs the Swift code's
// operations in its order (the same `fastExp` and `fastTanh` polynomials, the same fused
// multiply-adds, no others), so both give the same bits.
#ifndef GLIMPSE_GRU_CELLS_H
#define GLIMPSE_GRU_CELLS_H

// Forward of `batch` rows of `hidden` units: r, z, n from the input gates `[B, 3H]` (overwritten
// with the activated r, z, n) and the hidden gates `[B, 3H]`; `hidden_n` (`[B, H]`) keeps the
// hidden part of n; `h = (1 - z) n + z h_prev`.
void glimpse_gru_step_forward_wide(float *input_gates, const float *hidden_gates, const float *h_prev, float *h,
                                   float *hidden_n, long batch, long hidden);

// Backward of the forward above: pre-activation gate gradients for the input side (streamed past
// the caches where 64-byte aligned) and the hidden side, `grad_hidden_n` (streamed) and the direct
// path `grad_h_prev = grad_h z`. Ends with a store fence.
void glimpse_gru_step_backward_wide(const float *gates, const float *hidden_n, const float *h_prev, const float *grad_h,
                                    float *grad_input_gates, float *grad_hidden_gates, float *grad_hidden_n,
                                    float *grad_h_prev, long batch, long hidden);

#endif
