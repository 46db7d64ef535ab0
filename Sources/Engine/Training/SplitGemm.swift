/// The work a training run splits over a `WorkerPool`: large GEMMs and optimiser updates.
///
/// The two job closures are built once per run and read their arguments from `gemm` and
/// `update`, which the caller sets just before `pool.run`; so the batch loop hands work to the
/// helpers without allocating.
final class ParallelJobs<T: Scalar> {
    let pool: WorkerPool

    /// `C = alpha · op(A) · op(B) + beta · C`, as `Scalar.gemm`.
    struct Gemm {
        var transposeA: Bool, transposeB: Bool
        var m: Int, n: Int, k: Int
        var alpha: T, a: UnsafePointer<T>, lda: Int
        var b: UnsafePointer<T>, ldb: Int
        var beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    }

    /// One optimiser update of a whole tensor (see `Optimizer.update`).
    struct Update {
        var optimizer: Optimizer<T>
        var tensor: Int
        var weights: UnsafeMutablePointer<T>, gradient: UnsafeMutablePointer<T>
        var count: Int
        var l1: T, l2: T
    }

    private var gemm: Gemm?
    private var update: Update?
    private var gemmJob: ((Int) -> Void)!
    private var updateJob: ((Int) -> Void)!

    init(pool: WorkerPool) {
        self.pool = pool
        gemmJob = { [unowned self] part in self.gemmPart(part) }
        updateJob = { [unowned self] part in self.updatePart(part) }
    }

    var width: Int { pool.width }

    /// Runs `g` split over the pool (see `splitGemm`).
    func run(_ g: Gemm) {
        gemm = g
        pool.run(gemmJob)
        gemm = nil
    }

    /// Runs `u` split over the pool, each part updating its own run of the tensor.
    func run(_ u: Update) {
        update = u
        pool.run(updateJob)
        update = nil
    }

    /// Rows or columns of C, whichever side is longer:
    ///
    ///     split rows:    C[r0..<r1, :] = op(A)[r0..<r1, :] · op(B)
    ///     split columns: C[:, c0..<c1] = op(A) · op(B)[:, c0..<c1]
    private func gemmPart(_ part: Int) {
        guard let g = gemm else { return }
        if g.m >= g.n {
            let rows = pool.slice(g.m, part: part)
            guard !rows.isEmpty else { return }
            // Row r of op(A) starts at a + r·lda (A as stored), or at column r of A (transposed).
            let a = g.transposeA ? g.a + rows.lowerBound : g.a + rows.lowerBound * g.lda
            T.gemm(transposeA: g.transposeA, transposeB: g.transposeB, m: rows.count, n: g.n, k: g.k,
                   alpha: g.alpha, a: a, lda: g.lda, b: g.b, ldb: g.ldb,
                   beta: g.beta, c: g.c + rows.lowerBound * g.ldc, ldc: g.ldc)
        } else {
            let columns = pool.slice(g.n, part: part)
            guard !columns.isEmpty else { return }
            // Column j of op(B) is column j of B as stored, or row j of B (transposed).
            let b = g.transposeB ? g.b + columns.lowerBound * g.ldb : g.b + columns.lowerBound
            T.gemm(transposeA: g.transposeA, transposeB: g.transposeB, m: g.m, n: columns.count, k: g.k,
                   alpha: g.alpha, a: g.a, lda: g.lda, b: b, ldb: g.ldb,
                   beta: g.beta, c: g.c + columns.lowerBound, ldc: g.ldc)
        }
    }

    private func updatePart(_ part: Int) {
        guard let u = update else { return }
        u.optimizer.update(tensor: u.tensor, weights: u.weights, gradient: u.gradient,
                           range: pool.slice(u.count, part: part), l1: u.l1, l2: u.l2)
    }
}

/// `C = alpha · op(A) · op(B) + beta · C` (row-major, as `Scalar.gemm`), split over `jobs` when
/// the product is large enough to pay for the hand-over (BLAS runs single-threaded inside each
/// part), else one BLAS call.
func splitGemm<T: Scalar>(
    _ jobs: ParallelJobs<T>?, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: T, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
    beta: T, c: UnsafeMutablePointer<T>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    guard let jobs, jobs.width > 1, m * n * k >= 1 << 19, Swift.max(m, n) >= 8 * jobs.width else {
        T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    jobs.run(ParallelJobs<T>.Gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc))
}
