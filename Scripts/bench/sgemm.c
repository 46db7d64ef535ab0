/* The machine's large-GEMM rate, for Scripts/bench.sh: C = A·B with n×n matrices through the
 * same OpenBLAS nnsh links, threads from OPENBLAS_NUM_THREADS. Prints "gflops G" per repetition.
 *   cc -O2 sgemm.c -lopenblas -o sgemm && OPENBLAS_NUM_THREADS=2 ./sgemm s 3072 3 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    char type = argc > 1 ? argv[1][0] : 's';   /* s: float32, d: float64 */
    int n = argc > 2 ? atoi(argv[2]) : 3072;
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    size_t count = (size_t)n * n, size = type == 'd' ? sizeof(double) : sizeof(float);
    void *a = malloc(count * size), *b = malloc(count * size), *c = malloc(count * size);
    if (!a || !b || !c) { fprintf(stderr, "sgemm: out of memory\n"); return 1; }
    for (size_t i = 0; i < count; i++) {
        double x = (double)(i % 1000) / 1000.0 - 0.5, y = (double)((i * 7) % 1000) / 1000.0 - 0.5;
        if (type == 'd') { ((double *)a)[i] = x; ((double *)b)[i] = y; ((double *)c)[i] = 0; }
        else { ((float *)a)[i] = (float)x; ((float *)b)[i] = (float)y; ((float *)c)[i] = 0; }
    }
    for (int r = -1; r < reps; r++) {   /* r = -1: warm-up, not printed */
        double t0 = now();
        if (type == 'd')
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        double t = now() - t0;
        if (r >= 0) printf("gflops %.2f\n", 2.0 * n * n * (double)n / t / 1e9);
    }
    free(a); free(b); free(c);
    return 0;
}
