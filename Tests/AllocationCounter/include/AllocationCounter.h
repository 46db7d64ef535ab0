// Test support: counts heap allocations made by chosen threads during a chosen window, to
// prove that a loop allocates nothing (the trainer's batches after the first).
//
// Linked into the test executable, AllocationCounter.c defines malloc, calloc, realloc,
// memalign, aligned_alloc, posix_memalign, valloc and pvalloc (forwarding to glibc's
// __libc_* versions), so every such call in the process passes through it. A call is counted
// only while counting is on AND the calling thread is tracked. Tracking is per thread and is
// inherited by threads the tracked thread creates (pthread_create is wrapped too), so the
// trainer's own worker threads are counted while other tests running in parallel in the same
// process are not. Each call that starts tracking makes a new count, which the calling thread
// and the threads it creates share: tests counting at the same time do not see each other.
//
//     allocation_counter_track_this_thread(true);   // before the work creates its threads
//     ... first batch ...
//     allocation_counter_start();
//     ... batches 2..N ...
//     long n = allocation_counter_stop();           // 0 when nothing was allocated
//     allocation_counter_track_this_thread(false);
//
// Calls made by the BLAS library's own code (their return address lies in its executable
// segments) are counted apart, in allocation_counter_blas_calls(): which kernels OpenBLAS runs
// depends on the CPU (its AVX-512 small-matrix GEMM kernels call malloc, its AVX2 ones do not),
// and the count is about nnsh's code, on every CPU.
//
// Under a sanitizer (which has its own malloc) nothing is interposed and
// allocation_counter_available() is false.
#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

#include <stdbool.h>

/// True when the allocation functions are interposed (not under a sanitizer, glibc only).
bool allocation_counter_available(void);

/// Tracks (or stops tracking) the calling thread; threads it creates afterwards inherit it.
void allocation_counter_track_this_thread(bool tracked);

/// Sets this thread's count to zero and starts counting its (and its threads') allocation calls.
void allocation_counter_start(void);

/// Stops counting; the number of allocation calls since `allocation_counter_start`, less
/// those made by the BLAS library's code.
long allocation_counter_stop(void);

/// The calls made by the BLAS library's code in the last counting window (not in the count).
long allocation_counter_blas_calls(void);

/// True when `address` lies in the executable code of the library that defines `cblas_sgemm`.
bool allocation_counter_is_blas_code(const void *address);

/// Threads started since this thread began tracking, by it and the threads it created (to
/// check that work done on helper threads was within reach of the count); 0 when untracked.
long allocation_counter_tracked_threads_started(void);

#endif
