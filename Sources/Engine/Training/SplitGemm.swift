/// `C = alpha · op(A) · op(B) + beta · C` (row-major, as `Scalar.gemm`), cut into `pool.width`
/// independent GEMMs along the longer side of C when the product is large enough to pay for
/// the hand-over (BLAS runs single-threaded inside each part).
///
/// Rows of C come from rows of op(A); columns of C from columns of op(B):
///
///     split rows:    C[r0..<r1, :] = op(A)[r0..<r1, :] · op(B)
///     split columns: C[:, c0..<c1] = op(A) · op(B)[:, c0..<c1]
func splitGemm<T: Scalar>(
    _ pool: WorkerPool?, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: T, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
    beta: T, c: UnsafeMutablePointer<T>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    guard let pool, pool.width > 1, m * n * k >= 1 << 19, Swift.max(m, n) >= 8 * pool.width else {
        T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    if m >= n {
        pool.run { part in
            let rows = pool.slice(m, part: part)
            guard !rows.isEmpty else { return }
            // Row r of op(A) starts at a + r·lda (A as stored), or at column r of A (transposed).
            let aPart = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
            T.gemm(transposeA: transposeA, transposeB: transposeB, m: rows.count, n: n, k: k, alpha: alpha,
                   a: aPart, lda: lda, b: b, ldb: ldb, beta: beta, c: c + rows.lowerBound * ldc, ldc: ldc)
        }
    } else {
        pool.run { part in
            let columns = pool.slice(n, part: part)
            guard !columns.isEmpty else { return }
            // Column j of op(B) is column j of B as stored, or row j of B (transposed).
            let bPart = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
            T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: columns.count, k: k, alpha: alpha,
                   a: a, lda: lda, b: bPart, ldb: ldb, beta: beta, c: c + columns.lowerBound, ldc: ldc)
        }
    }
}
