// The packed product of Kernels (`packedProduct`) with 16-float (AVX-512) vectors, which Swift
// can only use when a whole module is compiled for such a CPU: chosen at run time where the CPU
// has them. On a Zen 4 core it runs a recurrent step's product (16 x 768 x 256) in 54 us against
// 59 us for the 8-float Swift code, 117 against 107 GFLOP/s, the core's FMA peak.
#ifndef GLIMPSE_PACKED_PRODUCT_H
#define GLIMPSE_PACKED_PRODUCT_H

// 1 when this CPU runs AVX-512F instructions (and the kernel below may be called), else 0.
int glimpse_wide_products_available(void);

// `C[m, n] += A[m, k] * B`, or `C[i, :] = start + A[i, :] * B` when `start` (a row of n values)
// is not null, with B packed in panels of 16 columns (`packed[p][kk][l] = B[kk, 16 p + l]`, zero
// past n). A rows have stride `lda`, C rows `ldc`. Each element sums its products in the same
// order as the Swift kernel (k in order; two interleaved halves of k for rows past a multiple of
// 4), so both give the same bits.
void glimpse_packed_product_wide(long m, long n, long k, const float *a, long lda, const float *packed,
                                 float *c, long ldc, const float *start);

// `packRightHandSide` of Kernels: B of `A * op(W)` in panels of 16 columns, `packed[p][kk][l] =
// B[kk, 16 p + l]` (zero past n), from W `[n, k]` (`transposed`: B = W^T) or `[k, n]`, with row
// stride `ld`. The same values as the Swift code, 16 x 16 blocks transposed in registers.
void glimpse_pack_wide(const float *w, long k, long n, long ld, int transposed, float *packed);

#endif
