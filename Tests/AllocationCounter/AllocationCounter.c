// See include/AllocationCounter.h. Allocation calls forward to glibc's own entry points
// (__libc_malloc and friends), so memory comes from, and goes back to, the ordinary allocator;
// free is not interposed.
#define _GNU_SOURCE
#include "AllocationCounter.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define ALLOCATION_COUNTER_OFF 1
#endif
#endif
#if defined(__linux__)
#include <features.h>
#endif
#if !defined(__GLIBC__)   // the __libc_* entry points are glibc's (not macOS, not musl)
#define ALLOCATION_COUNTER_OFF 1
#endif

#ifdef ALLOCATION_COUNTER_OFF

bool allocation_counter_available(void) { return false; }
void allocation_counter_track_this_thread(bool tracked) { (void)tracked; }
void allocation_counter_start(void) {}
long allocation_counter_stop(void) { return 0; }
long allocation_counter_blas_calls(void) { return 0; }
bool allocation_counter_is_blas_code(const void *address) { (void)address; return false; }
long allocation_counter_blas_calls(void) {
    struct Counter *counter = tracked;
    return counter == NULL ? 0 : atomic_load(&counter->blasCalls);
}

long allocation_counter_tracked_threads_started(void) { return 0; }

#else

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);
extern void __libc_free(void *);

// Each tracking thread has its own counter, shared with the threads it creates, so tests that
// count at the same time in one process (Swift Testing runs suites in parallel) do not reset or
// add to each other's counts. Counters are never freed: a helper thread may outlive the
// tracking that started it, and a test makes only a few.
struct Counter {
    atomic_bool counting;
    atomic_long count;
    atomic_long blasCalls;
    atomic_long threadsStarted;
};

// MARK: - Calls made by the BLAS library are not nnsh's
//
// Which BLAS kernels run is chosen by OpenBLAS when it loads, from the CPU: on AVX-512 CPUs
// (SkylakeX, Cooperlake kernels) its small-matrix GEMM paths call malloc for narrow outputs,
// on AVX2 ones they do not. A call whose return address lies in the BLAS library's executable
// code is that library's own and is counted apart (`blasCalls`), so the count speaks of nnsh's
// code on every CPU. The library is the one that defines `cblas_sgemm`; its code segments are
// found once, before counting starts, and only read afterwards.

enum { MAX_SEGMENTS = 8 };
static uintptr_t blasStart[MAX_SEGMENTS], blasEnd[MAX_SEGMENTS];
static atomic_int blasSegments = -1;   // -1: not looked up yet

struct Search { const char *path; int found; };

static int collectSegments(struct dl_phdr_info *info, size_t size, void *raw) {
    (void)size;
    struct Search *search = raw;
    if (info->dlpi_name == NULL || strcmp(info->dlpi_name, search->path) != 0) return 0;
    for (int i = 0; i < info->dlpi_phnum && search->found < MAX_SEGMENTS; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
        blasStart[search->found] = info->dlpi_addr + ph->p_vaddr;
        blasEnd[search->found] = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
        search->found++;
    }
    return 1;
}

static void findBLAS(void) {
    if (atomic_load(&blasSegments) >= 0) return;
    struct Search search = {NULL, 0};
    Dl_info where;
    void *gemm = dlsym(RTLD_DEFAULT, "cblas_sgemm");
    if (gemm != NULL && dladdr(gemm, &where) != 0 && where.dli_fname != NULL) {
        search.path = where.dli_fname;
        dl_iterate_phdr(collectSegments, &search);
    }
    atomic_store(&blasSegments, search.found);
}

bool allocation_counter_is_blas_code(const void *address) {
    findBLAS();
    uintptr_t a = (uintptr_t)address;
    int n = atomic_load_explicit(&blasSegments, memory_order_relaxed);
    for (int i = 0; i < n; i++) {
        if (a >= blasStart[i] && a < blasEnd[i]) return true;
    }
    return false;
}

static _Thread_local struct Counter *tracked __attribute__((tls_model("initial-exec"))) = NULL;

/// Counts one call made from `caller` (the allocation function's return address).
static inline void noteFrom(const void *caller) {
    struct Counter *counter = tracked;
    if (counter == NULL || !atomic_load_explicit(&counter->counting, memory_order_relaxed)) return;
    // Looked up by `allocation_counter_start`, so `blasSegments` is set while counting.
    uintptr_t a = (uintptr_t)caller;
    int n = atomic_load_explicit(&blasSegments, memory_order_relaxed);
    for (int i = 0; i < n; i++) {
        if (a >= blasStart[i] && a < blasEnd[i]) {
            atomic_fetch_add_explicit(&counter->blasCalls, 1, memory_order_relaxed);
            return;
        }
    }
    atomic_fetch_add_explicit(&counter->count, 1, memory_order_relaxed);
}

#define note() noteFrom(__builtin_return_address(0))

bool allocation_counter_available(void) { return true; }

void allocation_counter_track_this_thread(bool on) {
    if (!on) {
        tracked = NULL;
        return;
    }
    struct Counter *counter = __libc_malloc(sizeof *counter);   // (not counted: not yet tracked)
    if (counter == NULL) return;
    atomic_init(&counter->counting, false);
    atomic_init(&counter->count, 0);
    atomic_init(&counter->blasCalls, 0);
    atomic_init(&counter->threadsStarted, 0);
    tracked = counter;
}

void allocation_counter_start(void) {
    struct Counter *counter = tracked;
    if (counter == NULL) return;
    findBLAS();
    atomic_store(&counter->count, 0);
    atomic_store(&counter->blasCalls, 0);
    atomic_store(&counter->counting, true);
}

long allocation_counter_stop(void) {
    struct Counter *counter = tracked;
    if (counter == NULL) return 0;
    atomic_store(&counter->counting, false);
    return atomic_load(&counter->count);
}

long allocation_counter_blas_calls(void) {
    struct Counter *counter = tracked;
    return counter == NULL ? 0 : atomic_load(&counter->blasCalls);
}

long allocation_counter_tracked_threads_started(void) {
    struct Counter *counter = tracked;
    return counter == NULL ? 0 : atomic_load(&counter->threadsStarted);
}

// MARK: - The allocation functions

void *malloc(size_t size) { note(); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { note(); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { note(); return __libc_realloc(p, size); }
void *memalign(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
void *valloc(size_t size) { note(); return __libc_valloc(size); }
void *pvalloc(size_t size) { note(); return __libc_pvalloc(size); }

int posix_memalign(void **out, size_t alignment, size_t size) {
    note();
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, size);
    if (p == NULL && size != 0) return ENOMEM;
    *out = p;
    return 0;
}

// MARK: - Threads inherit tracking

typedef int (*CreateFunction)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

struct Start {
    void *(*routine)(void *);
    void *argument;
    struct Counter *tracked;
};

static void *trampoline(void *raw) {
    struct Start start = *(struct Start *)raw;
    __libc_free(raw);
    tracked = start.tracked;
    return start.routine(start.argument);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attributes, void *(*routine)(void *), void *argument) {
    static _Atomic(CreateFunction) real = NULL;
    CreateFunction create = atomic_load(&real);
    if (create == NULL) {
        create = (CreateFunction)dlsym(RTLD_NEXT, "pthread_create");
        if (create == NULL) return EAGAIN;
        atomic_store(&real, create);
    }
    if (tracked == NULL) return create(thread, attributes, routine, argument);
    struct Start *start = __libc_malloc(sizeof *start);
    if (start == NULL) return EAGAIN;
    note();
    *start = (struct Start){routine, argument, tracked};
    int status = create(thread, attributes, trampoline, start);
    if (status != 0) __libc_free(start);
    else atomic_fetch_add(&tracked->threadsStarted, 1);
    return status;
}

#endif
