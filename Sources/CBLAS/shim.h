// The CBLAS interface of OpenBLAS, plus its thread-count controls.
#include <cblas.h>

// OpenBLAS (pthread builds) starts its own worker threads when it is loaded, and they spin on
// sched_yield for about 100 ms before sleeping. Glimpse runs OpenBLAS on one thread per call, so
// they only compete with Glimpse's threads: a 20,000-character GRU sample from the command line
// took 0.46-0.49 s with them and 0.35-0.36 s once they are ended here. This ends them (after
// `openblas_set_num_threads(1)`, so none is made again). Weak: builds without the function link,
// and the call is skipped.
extern int blas_thread_shutdown_(void) __attribute__((weak));

static inline void glimpse_end_blas_threads(void) {
    if (blas_thread_shutdown_) blas_thread_shutdown_();
}
