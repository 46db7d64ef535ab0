/* The output layer's products at a training batch, two ways, for Scripts/bench.sh (issue 18):
 * OpenBLAS's AVX-512 kernels (SkylakeX, Cooperlake) take a "small matrix" path that calls
 * malloc when a row-major product's output is narrow (n = 1…10 columns), its AVX2 kernels do
 * not. Is that path slow? Each product is timed as nnsh runs it (row-major, the layer's outputs
 * as C's columns) and arranged so the narrow side is C's rows instead (the transposed product,
 * plus the transpose that puts the result where nnsh keeps it), on one thread.
 *   cc -O2 narrow.c -lopenblas -o narrow && OPENBLAS_NUM_THREADS=1 ./narrow s 64 300 10
 * Prints "<product> <arrangement> <nanoseconds per call>" (median of 9 timings, the four products taking turns) and the
 * kernels' name. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern char *openblas_get_corename(void);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* C (rows×columns) = transpose of T (columns×rows), both row-major. */
#define TRANSPOSE(TYPE)                                                                          \
    static void transpose_##TYPE(const TYPE *t, TYPE *c, int rows, int columns) {                \
        for (int i = 0; i < rows; i++)                                                           \
            for (int j = 0; j < columns; j++) c[i * columns + j] = t[j * rows + i];              \
    }
TRANSPOSE(float)
TRANSPOSE(double)

enum { FORWARD_DIRECT, FORWARD_TRANSPOSED, GRADIENT_DIRECT, GRADIENT_TRANSPOSED, KINDS };
static const char *names[KINDS] = {"forward direct", "forward transposed", "weight-gradient direct",
                                   "weight-gradient transposed"};

/* One call of the product `kind` (m: batch rows, k: inputs, n: outputs).
 * forward:  Y(m×n) = A(m×k)·W(k×n)        transposed: Yᵀ(n×m) = Wᵀ·Aᵀ, then Y = (Yᵀ)ᵀ
 * gradient: ∂W(k×n) = Aᵀ(k×m)·δ(m×n)      transposed: ∂Wᵀ(n×k) = δᵀ·A, then ∂W = (∂Wᵀ)ᵀ */
#define RUN(TYPE, GEMM)                                                                          \
    static void run_##TYPE(int kind, int m, int k, int n, const TYPE *a, const TYPE *w,          \
                           const TYPE *d, TYPE *out, TYPE *scratch) {                            \
        switch (kind) {                                                                          \
        case FORWARD_DIRECT:                                                                     \
            GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, w, n, 0, out, n);  \
            break;                                                                               \
        case FORWARD_TRANSPOSED:                                                                 \
            GEMM(CblasRowMajor, CblasTrans, CblasTrans, n, m, k, 1, w, n, a, k, 0, scratch, m);  \
            transpose_##TYPE(scratch, out, m, n);                                                \
            break;                                                                               \
        case GRADIENT_DIRECT:                                                                    \
            GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, k, n, m, 1, a, k, d, n, 0, out, n);    \
            break;                                                                               \
        case GRADIENT_TRANSPOSED:                                                                \
            GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, n, k, m, 1, d, n, a, k, 0, scratch, k);\
            transpose_##TYPE(scratch, out, k, n);                                                \
            break;                                                                               \
        }                                                                                        \
    }
RUN(float, cblas_sgemm)
RUN(double, cblas_dgemm)

int main(int argc, char **argv) {
    char type = argc > 1 ? argv[1][0] : 's';
    int m = argc > 2 ? atoi(argv[2]) : 64, k = argc > 3 ? atoi(argv[3]) : 300, n = argc > 4 ? atoi(argv[4]) : 10;
    int calls = argc > 5 ? atoi(argv[5]) : 20000;
    size_t size = type == 'd' ? sizeof(double) : sizeof(float);
    size_t most = (size_t)(m > k ? m : k) * (size_t)(n > m ? n : m) + (size_t)m * k + (size_t)k * n;
    char *a = calloc((size_t)m * k, size), *w = calloc((size_t)k * n, size), *d = calloc((size_t)m * n, size);
    char *out = calloc(most, size), *scratch = calloc(most, size);
    if (!a || !w || !d || !out || !scratch) { fprintf(stderr, "narrow: out of memory\n"); return 1; }
    for (int i = 0; i < m * k; i++) {
        double x = (double)(i % 997) / 997.0 - 0.5;
        if (type == 'd') ((double *)a)[i] = x; else ((float *)a)[i] = (float)x;
    }
    for (int i = 0; i < k * n; i++) {
        double x = (double)((i * 7) % 991) / 991.0 - 0.5;
        if (type == 'd') ((double *)w)[i] = x; else ((float *)w)[i] = (float)x;
    }
    for (int i = 0; i < m * n; i++) {
        double x = (double)((i * 13) % 983) / 983.0 - 0.5;
        if (type == 'd') ((double *)d)[i] = x; else ((float *)d)[i] = (float)x;
    }
    printf("kernels %s\n", openblas_get_corename());
    /* The four products take turns (A B C D A B C D …), so a change in the machine's speed
     * falls on all of them alike. */
    enum { TIMINGS = 9 };
    double ns[KINDS][TIMINGS];
    for (int t = -1; t < TIMINGS; t++) {   /* t = -1: warm-up */
        for (int kind = 0; kind < KINDS; kind++) {
            double t0 = now();
            for (int c = 0; c < calls; c++) {
                if (type == 'd') run_double(kind, m, k, n, (double *)a, (double *)w, (double *)d, (double *)out, (double *)scratch);
                else run_float(kind, m, k, n, (float *)a, (float *)w, (float *)d, (float *)out, (float *)scratch);
            }
            if (t >= 0) ns[kind][t] = (now() - t0) / calls * 1e9;
        }
    }
    for (int kind = 0; kind < KINDS; kind++) {
        qsort(ns[kind], TIMINGS, sizeof ns[kind][0], compare);
        printf("%s %.0f\n", names[kind], ns[kind][TIMINGS / 2]);
    }
    free(a); free(w); free(d); free(out); free(scratch);
    return 0;
}
