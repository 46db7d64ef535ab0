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
long allocation_counter_tracked_threads_started(void) { return 0; }

#else

#include <dlfcn.h>
#include <errno.h>
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
    atomic_long threadsStarted;
};

static _Thread_local struct Counter *tracked __attribute__((tls_model("initial-exec"))) = NULL;

static inline void note(void) {
    struct Counter *counter = tracked;
    if (counter != NULL && atomic_load_explicit(&counter->counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&counter->count, 1, memory_order_relaxed);
    }
}

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
    atomic_init(&counter->threadsStarted, 0);
    tracked = counter;
}

void allocation_counter_start(void) {
    struct Counter *counter = tracked;
    if (counter == NULL) return;
    atomic_store(&counter->count, 0);
    atomic_store(&counter->counting, true);
}

long allocation_counter_stop(void) {
    struct Counter *counter = tracked;
    if (counter == NULL) return 0;
    atomic_store(&counter->counting, false);
    return atomic_load(&counter->count);
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
