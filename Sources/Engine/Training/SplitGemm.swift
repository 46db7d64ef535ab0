/// The work a training run splits over a `WorkerPool`: large GEMMs (each part followed by the
/// element-wise pass over its own block of the result, see `Epilogue`), a convolution layer's
/// steps (`ConvolutionBatch`), a max-pooling layer's passes (`MaxPoolLayer.Batch`), reading a batch from the data set, and optimiser updates.
///
/// The job closures are built once per run and read their arguments from `gemm` and
/// `update`, which the caller sets just before `pool.run`; so the batch loop hands work to the
/// helpers without allocating.
final class ParallelJobs<T: Scalar> {
    let pool: WorkerPool

    /// `C = alpha · op(A) · op(B) + beta · C`, as `Scalar.gemm`, then `epilogue` on C.
    struct Gemm {
        var transposeA: Bool, transposeB: Bool
        var m: Int, n: Int, k: Int
        var alpha: T, a: UnsafePointer<T>, lda: Int
        var b: UnsafePointer<T>, ldb: Int
        var beta: T, c: UnsafeMutablePointer<T>, ldc: Int
        var epilogue: Epilogue<T> = .none
        /// Split C by rows whatever its shape (`GemmSplit.rows`).
        var byRows = false
    }

    /// Rows `indices` of `data` into `inputs` (rows × inputWidth) and `targets`, as `fillBatch`.
    struct Fill {
        var data: any TrainingData
        var indices: UnsafeBufferPointer<Int>
        var inputs: UnsafeMutablePointer<T>, targets: UnsafeMutablePointer<T>
    }

    /// One optimiser update of a whole tensor (see `Optimizer.update`), cut into equal runs;
    /// or, with `rowLength` > 0, into runs of whole rows cut as `slice` cuts the rows of a
    /// matrix `rowLength` wide: the rows of W that a part's ∂W product wrote (`InputSplit`).
    struct Update {
        var optimizer: Optimizer<T>
        var tensor: Int
        var weights: UnsafeMutablePointer<T>, gradient: UnsafeMutablePointer<T>
        var count: Int
        var l1: T, l2: T
        var rowLength = 0
        /// The first layer's weights when it left out zero inputs: each part's rows read their
        /// gradient where `ActiveInputs` holds it (`ActiveInputs.update`; parts cut as its columns).
        var active: ActiveInputs<T>? = nil
    }

    /// A hidden layer's forward product `y = f(a·W + b)` (a: m × k, W: k × n) cut along k, the
    /// layer's inputs: part p multiplies its columns of a by its rows of W, into `y` (part 0)
    /// or its own m × n block of `partials`; then each part adds the partial products over
    /// its own columns of y and applies the bias and activation there.
    ///
    ///     y = Σ_p a[:, K_p] · W[K_p, :]        K_p = slice(k, part: p)
    ///
    /// So each part reads only its own rows of W, the same rows its ∂W product writes and its
    /// optimiser update changes: W and its moments never move between cores. Cutting y by
    /// columns instead made every step's update write lines the other core had just read.
    struct InputSplit {
        var m: Int, n: Int, k: Int
        var a: UnsafePointer<T>, lda: Int
        var w: UnsafePointer<T>
        var y: UnsafeMutablePointer<T>
        var epilogue: Epilogue<T>
        /// The first layer: each part leaves out its all-zero columns of a (`ActiveInputs`).
        var active: ActiveInputs<T>? = nil

        /// The whole product and epilogue on this thread, in one part.
        func runHere() {
            if let active {
                active.begin(batch: a, rows: m, parts: 1)
                active.product(part: 0, weights: w, into: y)
            } else {
                T.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                       b: w, ldb: n, beta: 0, c: y, ldc: n)
            }
            epilogue.apply(to: y, rows: 0..<m, columns: 0..<n, stride: n)
        }
    }

    /// The first layer's ∂W = aᵀ·δ over its active inputs, each part its own rows
    /// (`ActiveInputs.addWeightGradient`), after a forward `InputSplit` with `active`.
    struct ActiveGradient {
        var active: ActiveInputs<T>
        var delta: UnsafePointer<T>

        /// Every part, one after another on this thread.
        func runHere() {
            for part in 0..<active.parts { active.addWeightGradient(part: part, delta: delta) }
        }
    }

    private var gemm: Gemm?
    private var update: Update?
    private var fill: Fill?
    private var inputSplit: InputSplit?
    private var activeGradient: ActiveGradient?
    private var convolution: ConvolutionBatch<T>?
    private var pooling: MaxPoolLayer<T>.Batch?
    private var gemmJob: ((Int) -> Void)!
    private var updateJob: ((Int) -> Void)!
    private var fillJob: ((Int) -> Void)!
    private var partialJob: ((Int) -> Void)!
    private var sumJob: ((Int) -> Void)!
    private var activeGradientJob: ((Int) -> Void)!
    private var convolutionJob: ((Int) -> Void)!
    private var poolingJob: ((Int) -> Void)!
    /// The partial products of parts 1… of an `InputSplit`, one m × n block each.
    private var partials = Buffer<T>(count: 0)

    init(pool: WorkerPool) {
        self.pool = pool
        gemmJob = { [unowned self] part in self.gemmPart(part) }
        updateJob = { [unowned self] part in self.updatePart(part) }
        fillJob = { [unowned self] part in self.fillPart(part) }
        partialJob = { [unowned self] part in self.partialProduct(part) }
        sumJob = { [unowned self] part in self.sumPartials(part) }
        activeGradientJob = { [unowned self] part in self.activeGradientPart(part) }
        convolutionJob = { [unowned self] part in self.convolution?.run(part: part, of: self.width) }
        poolingJob = { [unowned self] part in self.pooling?.run(part: part, of: self.width) }
    }

    /// Room for the partial products of an `InputSplit` with m × n up to `elements`; call
    /// before the batch loop, which then allocates nothing.
    func reservePartials(_ elements: Int) {
        let needed = elements * (width - 1)
        if partials.count < needed { partials = Buffer(count: needed) }
    }

    /// Whether a hidden layer `inputs` → `outputs` with this activation is worth an
    /// `InputSplit`: big enough to share, and not softmax (which needs whole rows).
    func splitsInputs(inputs: Int, outputs: Int, activation: Activation) -> Bool {
        width > 1 && inputs * outputs >= 1 << 14 && inputs >= 8 * width && outputs >= 8 * width
            && activation != .softmax
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

    /// Runs `s` over the pool: the partial products, then their sums with the epilogue.
    /// Falls back to one thread's product if `reservePartials` left too little room.
    func run(_ s: InputSplit) {
        guard s.m * s.n * (width - 1) <= partials.count else { return s.runHere() }
        s.active?.begin(batch: s.a, rows: s.m, parts: width)
        inputSplit = s
        pool.run(partialJob)
        pool.run(sumJob)
        inputSplit = nil
    }

    /// Runs `g` over the pool if its forward pass was cut into the pool's parts, else part by
    /// part on this thread.
    func run(_ g: ActiveGradient) {
        guard g.active.parts == width else { return g.runHere() }
        activeGradient = g
        pool.run(activeGradientJob)
        activeGradient = nil
    }

    /// Runs a step of a convolution layer's batch over the pool, each part its own examples,
    /// then adds up the parts' gradients (`ConvolutionBatch`).
    func run(_ c: ConvolutionBatch<T>) {
        convolution = c
        pool.run(convolutionJob)
        convolution = nil
        c.finish(parts: width)
    }

    /// Runs a max-pooling layer's pass over the pool, each part its own examples.
    func run(_ p: MaxPoolLayer<T>.Batch) {
        pooling = p
        pool.run(poolingJob)
        pooling = nil
    }

    /// Runs `f` split over the pool, each part reading its own run of rows.
    func run(_ f: Fill) {
        fill = f
        pool.run(fillJob)
        fill = nil
    }

    /// Rows or columns of C, whichever side is longer (columns when the epilogue needs whole
    /// rows, `Epilogue.needsWholeRows`), then the epilogue on that block:
    ///
    ///     split rows:    C[r0..<r1, :] = op(A)[r0..<r1, :] · op(B)
    ///     split columns: C[:, c0..<c1] = op(A) · op(B)[:, c0..<c1]
    private func gemmPart(_ part: Int) {
        guard let g = gemm else { return }
        if Self.splitsRows(g) {
            let rows = pool.slice(g.m, part: part)
            guard !rows.isEmpty else { return }
            // Row r of op(A) starts at a + r·lda (A as stored), or at column r of A (transposed).
            let a = g.transposeA ? g.a + rows.lowerBound : g.a + rows.lowerBound * g.lda
            T.gemm(transposeA: g.transposeA, transposeB: g.transposeB, m: rows.count, n: g.n, k: g.k,
                   alpha: g.alpha, a: a, lda: g.lda, b: g.b, ldb: g.ldb,
                   beta: g.beta, c: g.c + rows.lowerBound * g.ldc, ldc: g.ldc)
            g.epilogue.apply(to: g.c, rows: rows, columns: 0..<g.n, stride: g.ldc)
        } else {
            let columns = pool.slice(g.n, part: part)
            guard !columns.isEmpty else { return }
            // Column j of op(B) is column j of B as stored, or row j of B (transposed).
            let b = g.transposeB ? g.b + columns.lowerBound * g.ldb : g.b + columns.lowerBound
            T.gemm(transposeA: g.transposeA, transposeB: g.transposeB, m: g.m, n: columns.count, k: g.k,
                   alpha: g.alpha, a: g.a, lda: g.lda, b: b, ldb: g.ldb,
                   beta: g.beta, c: g.c + columns.lowerBound, ldc: g.ldc)
            g.epilogue.apply(to: g.c, rows: 0..<g.m, columns: columns, stride: g.ldc)
        }
    }

    /// Rows when C is at least as tall as wide, unless the epilogue needs whole rows.
    static func splitsRows(_ g: Gemm) -> Bool {
        g.byRows || g.m >= g.n || g.epilogue.needsWholeRows
    }

    private func partialProduct(_ part: Int) {
        guard let s = inputSplit else { return }
        let ks = pool.slice(s.k, part: part)
        let out = part == 0 ? s.y : partials.pointer + (part - 1) * s.m * s.n
        if let active = s.active {
            active.product(part: part, weights: s.w, into: out)
            return
        }
        guard !ks.isEmpty else { return out.update(repeating: 0, count: s.m * s.n) }
        T.gemm(transposeA: false, transposeB: false, m: s.m, n: s.n, k: ks.count, alpha: 1,
               a: s.a + ks.lowerBound, lda: s.lda, b: s.w + ks.lowerBound * s.n, ldb: s.n,
               beta: 0, c: out, ldc: s.n)
    }

    private func sumPartials(_ part: Int) {
        guard let s = inputSplit else { return }
        let columns = pool.slice(s.n, part: part)
        guard !columns.isEmpty else { return }
        // 8 columns at a time, as the bias gradients (the compiler cannot prove y and the
        // partials apart); each element still adds the partials in order 1, 2, …
        let full = columns.lowerBound + (columns.count - columns.count % 8)
        for q in 1 ..< width {
            let p = partials.pointer + (q - 1) * s.m * s.n
            for r in 0 ..< s.m {
                let row = s.y + r * s.n, other = p + r * s.n
                for c in stride(from: columns.lowerBound, to: full, by: 8) {
                    row.store(row.lanes(at: c) + other.lanes(at: c), at: c)
                }
                for c in full ..< columns.upperBound { row[c] += other[c] }
            }
        }
        s.epilogue.apply(to: s.y, rows: 0..<s.m, columns: columns, stride: s.n)
    }

    private func fillPart(_ part: Int) {
        guard let f = fill else { return }
        let rows = pool.slice(f.indices.count, part: part)
        guard !rows.isEmpty else { return }
        f.data.fillBatch(UnsafeBufferPointer(rebasing: f.indices[rows]),
                         inputs: f.inputs + rows.lowerBound * f.data.inputWidth,
                         targets: f.targets + rows.lowerBound * f.data.targetWidth)
    }

    private func activeGradientPart(_ part: Int) {
        guard let g = activeGradient else { return }
        g.active.addWeightGradient(part: part, delta: g.delta)
    }

    private func updatePart(_ part: Int) {
        guard let u = update else { return }
        if let active = u.active {
            active.update(part: part, optimizer: u.optimizer, tensor: u.tensor, weights: u.weights, l1: u.l1, l2: u.l2)
            return
        }
        let range: Range<Int>
        if u.rowLength > 0 {
            let rows = pool.slice(u.count / u.rowLength, part: part)
            range = rows.lowerBound * u.rowLength ..< rows.upperBound * u.rowLength
        } else {
            range = pool.slice(u.count, part: part)
        }
        u.optimizer.update(tensor: u.tensor, weights: u.weights, gradient: u.gradient,
                           range: range, l1: u.l1, l2: u.l2)
    }
}

/// The element-wise pass that follows a GEMM in the forward or backward pass, done by each
/// part on its own block of C while it is still in cache (no extra hand-over):
/// - `biasActivation`: C = f(C + b) (`Activation.addBiasAndApply`)
/// - `derivative`: C ⊙= f'(y) with y the layer's outputs, same shape and stride as C
///   (`Activation.backpropagate`)
package enum Epilogue<T: Scalar> {
    case none
    case biasActivation(Activation, bias: UnsafePointer<T>)
    case derivative(Activation, output: UnsafePointer<T>)

    /// Softmax works on whole rows, so its block must hold whole rows.
    var needsWholeRows: Bool {
        switch self {
        case .none: false
        case .biasActivation(let f, _), .derivative(let f, _): f == .softmax
        }
    }

    /// Applies the pass to C[rows, columns] (row r of C at `c + r · stride`).
    func apply(to c: UnsafeMutablePointer<T>, rows: Range<Int>, columns: Range<Int>, stride: Int) {
        guard !rows.isEmpty, !columns.isEmpty else { return }
        let offset = rows.lowerBound * stride + columns.lowerBound
        switch self {
        case .none:
            return
        case .biasActivation(let f, let bias):
            f.addBiasAndApply(c + offset, rows: rows.count, columns: columns.count, stride: stride,
                              bias: bias + columns.lowerBound)
        case .derivative(let f, let y):
            f.backpropagate(c + offset, output: y + offset, rows: rows.count, columns: columns.count, stride: stride)
        }
    }
}

/// How `splitGemm` cuts a product over the pool: `auto` along the longer side of C when the
/// product is large enough to pay for the hand-over; `rows` always by rows of C, as `slice`
/// cuts them (the ∂W of a layer whose forward product is an `InputSplit`).
enum GemmSplit { case auto, rows }

/// `C = alpha · op(A) · op(B) + beta · C` (row-major, as `Scalar.gemm`), then `epilogue` on C;
/// split over `jobs` as `split` says (BLAS runs single-threaded inside each part), else one
/// BLAS call and one pass.
func splitGemm<T: Scalar>(
    _ jobs: ParallelJobs<T>?, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: T, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
    beta: T, c: UnsafeMutablePointer<T>, ldc: Int, epilogue: Epilogue<T> = .none, split: GemmSplit = .auto
) {
    guard m > 0, n > 0 else { return }
    let byRows = split == .rows
    guard let jobs, jobs.width > 1,
          byRows ? m >= 8 * jobs.width
                 : m * n * k >= 1 << 19 && Swift.max(m, n) >= 8 * jobs.width
                     && (!epilogue.needsWholeRows || m >= 8 * jobs.width) else {
        T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        epilogue.apply(to: c, rows: 0..<m, columns: 0..<n, stride: ldc)
        return
    }
    jobs.run(ParallelJobs<T>.Gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
                                  epilogue: epilogue, byRows: byRows))
}
