// Kernels' `rowDots` for one vector in 16-float (AVX-512) vectors: the rows of a recurrent
// layer's weights dotted with its state at batch 1 (sampling, greedy decoding), where each step
// streams the weights from cache. Call only where `glimpse_wide_products_available()`.
#ifndef GLIMPSE_ROW_DOTS_H
#define GLIMPSE_ROW_DOTS_H

// `y[i] = sum_k W[first + i, k] * x[k]` (plus the old `y[i]` when `accumulate` is not 0, else
// plus `start[i]` when `start` is not null: a bias, added as the old `y[i]` would be, without a
// pass to copy it into y first) for `i < count`, W row-major with row stride `ld`. Each row sums in the order of the Swift kernel
// (two 8-lane accumulators, k in order, the lanes added as a tree, then the k past a multiple of
// 16 one at a time), so both give the same bits.
void glimpse_row_dots_wide(const float *w, long ld, long k, const float *x, long first, long count, float *y, int accumulate,
                           const float *start);

#endif
