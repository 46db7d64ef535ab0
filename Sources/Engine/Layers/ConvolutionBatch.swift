/// One batch through a convolution layer's products (the maths: `ConvolutionLayer`), cut into
/// parts by examples, for a worker pool's threads (`ParallelJobs.run(_:)`) or, with no pool,
/// one part here (`runHere`). Each part does its examples one after another, each example's
/// products right after the copy that feeds them, while the columns are still in cache:
///
///     forward    for e in E:  col_e = im2col(x_e)                       (K × P, kept for ∂W)
///                             y_e = f(W · col_e + b)                    GEMM NN, (filters × P)
///     backward   for e in E:  δ_e = ∂y_e ⊙ f'(y_e)                      (in place; skipped when the
///                                                                      layer behind applied it: `deltaFinished`)
///                             ∂W_part += δ_e · col_eᵀ                   GEMM NT
///                             ∂b_part += row sums of δ_e
///                             ∂col = Wᵀ · δ_e                           GEMM TN, (K × P) the part's own
///                             ∂x_e = col2im(∂col)
///                then (`finish`) ∂W += ∂W_1 + ∂W_2 + …, ∂b likewise, in part order
///
/// Part 0 adds straight into the layer's gradients, part p > 0 writes its own partial sums
/// (`partials`), which `finish` adds in order: no two threads write the same memory, and a
/// part's examples are `WorkerPool.slice`'s cut, which depends only on the number of parts,
/// so the same thread count gives the same bits, whichever thread runs a part.
///
/// Why one GEMM per example, not one over the batch: on this project's machine (AMD EPYC,
/// AVX-512, OpenBLAS) a 64 × 121 × 288 product with its columns just written runs at about
/// 91 GFLOP/s, the batch's 64 × 7744 × 288 at 81, and laying the batch's columns side by side
/// (K × rows·P) made the copies write 288 rows far apart: slower overall (docs/PERFORMANCE.md).
struct ConvolutionBatch<T: Scalar> {
    enum Step { case forward, backward }

    var step: Step
    let geometry: Im2col
    let filters: Int
    let activation: Activation
    /// Examples in the batch.
    let rows: Int
    /// The layer's input (rows × channels·height·width) and outputs (rows × filters·P).
    let x: UnsafePointer<T>
    let y: UnsafeMutablePointer<T>
    /// W (filters × K) and b spread over a filter's positions (filters × P: row f all b[f]).
    let weights: UnsafePointer<T>
    let biasPlane: UnsafePointer<T>
    /// Every example's columns (rows × K × P).
    let columns: UnsafeMutablePointer<T>
    /// Per part, its ∂col (K × P); per part after the first, its partial ∂W and ∂b
    /// (filters × K + filters).
    let partColumns: UnsafeMutablePointer<T>
    let partials: UnsafeMutablePointer<T>
    /// ∂L/∂y (rows × filters·P), made δ = ∂L/∂z in place, the parameter gradients and, when
    /// wanted, ∂x (rows × C·H·W).
    var delta: UnsafeMutablePointer<T>? = nil
    /// ∂L/∂y is already δ: the layer behind applied f' as it wrote it (`Pass.gradientIsFinished`).
    var deltaFinished = false
    var weightGradient: UnsafeMutablePointer<T>? = nil
    var biasGradient: UnsafeMutablePointer<T>? = nil
    var inputGradient: UnsafeMutablePointer<T>? = nil
    /// The Winograd path (`Winograd`, `ConvolutionBatch+Winograd.swift`) when the layer takes
    /// it, and U = G g Gᵀ, made by the layer before the forward step. Then `columns` holds V,
    /// `partColumns` each part's M (or ∂M) and ∂V, `partials` each part's ∂U and ∂b (every
    /// part, the first too).
    var winograd: Winograd? = nil
    var transformedFilters: UnsafeMutablePointer<T>? = nil

    /// Part `part` of `parts` of the step.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func run(part: Int, of parts: Int) {
        let examples = WorkerPool.slice(rows, part: part, of: parts)
        switch (step, winograd) {
        case (.forward, nil): forward(examples: examples)
        case (.backward, nil): backward(examples: examples, part: part)
        case (.forward, let w?): winogradForward(w, examples: examples, part: part)
        case (.backward, let w?): winogradBackward(w, examples: examples, part: part)
        }
    }

    /// The whole step on this thread.
    func runHere() {
        run(part: 0, of: 1)
        finish(parts: 1)
    }

    private var partialCount: Int { filters * geometry.patch + filters }

    private func forward(examples: Range<Int>) {
        let p = geometry.positions, k = geometry.patch, m = filters * p
        for e in examples {
            let col = columns + e * k * p, out = y + e * m
            geometry.columns(of: x + e * geometry.imageCount, into: col)
            T.gemm(transposeA: false, transposeB: false, m: filters, n: p, k: k,
                   alpha: 1, a: weights, lda: k, b: col, ldb: p, beta: 0, c: out, ldc: p)
            activation.addBiasAndApply(out, rows: 1, columns: m, bias: biasPlane)
        }
    }

    private func backward(examples: Range<Int>, part: Int) {
        guard let delta, let weightGradient, let biasGradient else { return }
        let p = geometry.positions, k = geometry.patch, m = filters * p
        let partial = partials + (part - 1) * partialCount
        let dW = part == 0 ? weightGradient : partial, db = part == 0 ? biasGradient : partial + filters * k
        if part > 0 { for i in 0..<partialCount { partial[i] = 0 } }
        let dcol = partColumns + part * k * p
        for e in examples {
            let d = delta + e * m, col = columns + e * k * p
            if !deltaFinished { activation.backpropagate(d, output: y + e * m, rows: 1, columns: m) }
            // ∂W += δ_e · col_eᵀ   (filters × K) = (filters × P) · (K × P)ᵀ
            T.gemm(transposeA: false, transposeB: true, m: filters, n: k, k: p,
                   alpha: 1, a: d, lda: p, b: col, ldb: p, beta: 1, c: dW, ldc: k)
            addBiasGradient(d, into: db)
            guard let inputGradient else { continue }
            // ∂col = Wᵀ · δ_e   (K × P) = (filters × K)ᵀ · (filters × P), then back onto the image
            T.gemm(transposeA: true, transposeB: false, m: k, n: p, k: filters,
                   alpha: 1, a: weights, lda: k, b: d, ldb: p, beta: 0, c: dcol, ldc: p)
            geometry.image(from: dcol, into: inputGradient + e * geometry.imageCount)
        }
    }

    /// ∂b += each filter's row of δ_e (filters × P) summed, 8 lanes at a time, then the lanes
    /// in order.
    func addBiasGradient(_ d: UnsafePointer<T>, into db: UnsafeMutablePointer<T>) {
        let p = geometry.positions, full = p - p % 8
        for f in 0..<filters {
            let row = d + f * p
            var lanes = Lanes<T>.zero
            for i in Swift.stride(from: 0, to: full, by: 8) { lanes += row.lanes(at: i) }
            var sum: T = 0
            for l in 0..<8 { sum += lanes[l] }
            for i in full..<p { sum += row[i] }
            db[f] += sum
        }
    }

    /// After a backward step cut into `parts`: adds the partial sums of parts 1… into the
    /// layer's gradients, in part order.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func finish(parts: Int) {
        if let winograd { return winogradFinish(winograd, parts: parts) }
        guard step == .backward, parts > 1, let weightGradient, let biasGradient else { return }
        let k = geometry.patch, count = filters * k
        for part in 1..<parts {
            let partial = partials + (part - 1) * partialCount
            for i in 0..<count { weightGradient[i] += partial[i] }
            for f in 0..<filters { biasGradient[f] += partial[count + f] }
        }
    }
}
