// Non-temporal (streaming) stores, which Swift has no spelling for: results written past the
// caches, for data read only much later by another pass. They inline into Swift callers.
#ifndef GLIMPSE_STREAM_H
#define GLIMPSE_STREAM_H

typedef float glimpse_float8 __attribute__((ext_vector_type(8)));

#if defined(__x86_64__)
#define GLIMPSE_AVX __attribute__((target("avx")))
#else
#define GLIMPSE_AVX
#endif

// Stores 8 floats at a 32-byte-aligned address without reading its cache line first.
static inline GLIMPSE_AVX void glimpse_stream8(float *p, glimpse_float8 v) {
    __builtin_nontemporal_store(v, (glimpse_float8 *)p);
}

// Orders the streaming stores before all later stores (another core may then read them).
static inline void glimpse_stream_fence(void) {
#if defined(__x86_64__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif
