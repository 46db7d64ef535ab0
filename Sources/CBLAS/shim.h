#ifndef NNSH_CBLAS_SHIM_H
#define NNSH_CBLAS_SHIM_H
#if defined(__APPLE__)
#define ACCELERATE_NEW_LAPACK 1
#include <Accelerate/Accelerate.h>
static inline void nnsh_blas_set_threads(int n) { (void)n; }
static inline int nnsh_blas_threads(void) { return 1; }
#else
#include <cblas.h>
/// OpenBLAS's own thread pool size (affects GEMM only).
static inline void nnsh_blas_set_threads(int n) { openblas_set_num_threads(n); }
static inline int nnsh_blas_threads(void) { return openblas_get_num_threads(); }
#endif
#endif
