/// The first layer's input columns that are nonzero somewhere in the batch, with the batch and
/// the layer's weights cut down to them.
///
/// A column of the batch that is zero in every row adds nothing to the forward product and
/// its row of ∂W is zero, so both of the first layer's products can leave it out: the same
/// sums without their zero terms (only the order in which BLAS adds the rest changes). In an
/// MNIST batch of 64 about 494 of the 784 pixel columns are nonzero (the border is blank), so
/// the two products do about 37 % fewer multiply-adds. The update still visits every weight:
/// ∂W is zero in the skipped rows, but Adam's and momentum's moments still move them.
///
/// Columns are looked at in ranges (one per core, `WorkerPool.slice`), and each range's
/// compact columns are stored from the range's first column on, so no range needs another's
/// count and W's rows stay with the core that updates them (`InputSplit`):
///
///     range K = k0 ..< k1, active columns j_0 < j_1 < … < j_{s−1} in K
///     inputs[r, k0 + i]  = a[r, j_i]          (rows × k, row stride k)
///     weights[k0 + i, :] = W[j_i, :]          (k × n)
///     ∂W[j_i, :]         = gradient[k0 + i, :]
///
/// The active columns are kept as runs of consecutive columns (MNIST: 24–34 per batch, about
/// one per pixel row), so each copy is a few long `memcpy`s. A range where more than 7/8 of the
/// columns are active uses a and W as they are (`isCompacted` false).
///
/// The compact ∂W rows are held where the product wrote them, and the optimiser reads them
/// there (`update`): the rows of ∂W itself stay zero, and no pass moves the gradient. They are
/// added into ∂W (`releaseGradient`) only when something else must read ∂W, or when ∂W already
/// holds part of the step's sum (full-batch descent in chunks).
final class ActiveInputs<T: Scalar> {
    /// k, the layer's inputs, and n, its outputs.
    let width: Int
    let outputs: Int
    /// The compact copies: the batch's active columns (capacity × k), W's active rows (k × n),
    /// and their rows of ∂W (k × n; zero except the rows held for the next update).
    let inputs: Buffer<T>
    let weights: Buffer<T>
    let gradient: Buffer<T>
    /// The layer's ∂W (k × n), the workspace's: zero except rows the optimiser has yet to read.
    let weightGradient: UnsafeMutablePointer<T>
    /// The batch as the layer reads it (rows × k), and how many ranges of columns it is
    /// looked at in: set by `begin`.
    private(set) var batch: UnsafePointer<T>?
    private(set) var rows = 0
    private(set) var parts = 1
    /// Per column: nonzero bits when the column is nonzero in some row (scratch).
    private let seen: UnsafeMutableRawPointer
    /// Runs of active columns, range K's stored from index k0: first column and length.
    private let runStart: UnsafeMutablePointer<Int>
    private let runLength: UnsafeMutablePointer<Int>
    /// Per range K, at index k0: how many runs, and how many active columns.
    private let runCount: UnsafeMutablePointer<Int>
    private let activeCount: UnsafeMutablePointer<Int>
    /// Per range K, at index k0: its rows of ∂W are held compact in `gradient`; and ∂W itself
    /// has received some of its rows since the optimiser last read them.
    private let held: UnsafeMutablePointer<Bool>
    private let added: UnsafeMutablePointer<Bool>

    init(width: Int, outputs: Int, capacity: Int, weightGradient: UnsafeMutablePointer<T>) {
        self.width = width
        self.outputs = outputs
        self.weightGradient = weightGradient
        inputs = Buffer(count: capacity * width)
        weights = Buffer(count: width * outputs)
        gradient = Buffer(count: width * outputs)
        seen = .allocate(byteCount: Swift.max(width, 1) * MemoryLayout<UInt64>.stride, alignment: 64)
        runStart = .allocate(capacity: width)
        runLength = .allocate(capacity: width)
        runCount = .allocate(capacity: width)
        activeCount = .allocate(capacity: width)
        held = .allocate(capacity: width)
        added = .allocate(capacity: width)
        runCount.initialize(repeating: 0, count: width)
        activeCount.initialize(repeating: 0, count: width)
        held.initialize(repeating: false, count: width)
        added.initialize(repeating: false, count: width)
    }

    deinit {
        seen.deallocate()
        runStart.deallocate()
        runLength.deallocate()
        runCount.deallocate()
        activeCount.deallocate()
        held.deallocate()
        added.deallocate()
    }

    /// Worth it for a first layer this wide: narrower inputs (Runge's one feature) have no
    /// columns to spare that would pay for the copies.
    static func suits(inputs: Int) -> Bool { inputs >= 32 }

    /// Uses `a` (rows × k, row stride k) as this batch's input, looked at in `parts` ranges of
    /// columns (`columns(part:)`); then `prepare` each part.
    func begin(batch a: UnsafePointer<T>, rows: Int, parts: Int) {
        batch = a
        self.rows = rows
        self.parts = parts
    }

    /// The columns of part `part`: `WorkerPool.slice`, as the pool cuts W's rows.
    func columns(part: Int) -> Range<Int> { WorkerPool.slice(width, part: part, of: parts) }

    /// Whether part `part` of this batch uses the compact copies, and how many columns it
    /// found active (after `prepare`).
    func isCompacted(part: Int) -> Bool {
        let K = columns(part: part)
        return !K.isEmpty && activeCount[K.lowerBound] * 8 <= K.count * 7
    }
    func activeColumns(part: Int) -> Int {
        let K = columns(part: part)
        return K.isEmpty ? 0 : activeCount[K.lowerBound]
    }

    /// Finds the active columns of part `part` in the batch and, if few enough, copies those
    /// columns of the batch and those rows of `w` (k × n).
    func prepare(part: Int, weights w: UnsafePointer<T>) {
        let K = columns(part: part)
        guard let a = batch, !K.isEmpty else { return }
        releaseGradient(part: part)   // (held rows are found through the runs about to change)
        markNonzero(a, columns: K)
        let k0 = K.lowerBound
        var runs = 0, active = 0, c = k0
        while c < K.upperBound {
            guard isSeen(c) else { c += 1; continue }
            let start = c
            while c < K.upperBound, isSeen(c) { c += 1 }
            runStart[k0 + runs] = start
            runLength[k0 + runs] = c - start
            runs += 1
            active += c - start
        }
        runCount[k0] = runs
        activeCount[k0] = active
        guard isCompacted(part: part) else { return }
        let n = outputs
        for r in 0..<rows {
            var to = inputs.pointer + r * width + k0
            let row = a + r * width
            for i in 0..<runs {
                to.update(from: row + runStart[k0 + i], count: runLength[k0 + i])
                to += runLength[k0 + i]
            }
        }
        var to = weights.pointer + k0 * n
        for i in 0..<runs {
            to.update(from: w + runStart[k0 + i] * n, count: runLength[k0 + i] * n)
            to += runLength[k0 + i] * n
        }
    }

    /// The columns part `part` multiplies after `prepare` (row stride k), and how many: its
    /// compact copy, or the batch's own columns when it was not compacted.
    private func multiplied(part: Int) -> (a: UnsafePointer<T>, k: Int) {
        let K = columns(part: part)
        guard !K.isEmpty else { return (batch!, 0) }
        return isCompacted(part: part) ? (UnsafePointer(inputs.pointer + K.lowerBound), activeCount[K.lowerBound])
                                       : (batch! + K.lowerBound, K.count)
    }

    /// Part `part` of the forward product, a[:, K] · W[K, :] without the zero columns, into `y`
    /// (rows × n); `prepare` first.
    func product(part: Int, weights w: UnsafePointer<T>, into y: UnsafeMutablePointer<T>) {
        prepare(part: part, weights: w)
        let (a, k) = multiplied(part: part)
        guard k > 0 else {
            y.update(repeating: 0, count: rows * outputs)
            return
        }
        let k0 = columns(part: part).lowerBound
        let b = isCompacted(part: part) ? UnsafePointer(weights.pointer + k0 * outputs) : w + k0 * outputs
        T.gemm(transposeA: false, transposeB: false, m: rows, n: outputs, k: k, alpha: 1, a: a, lda: width,
               b: b, ldb: outputs, beta: 0, c: y, ldc: outputs)
    }

    /// Adds part `part`'s rows of ∂W = aᵀ·δ (δ: rows × n), computed over the active columns
    /// only; the other rows get nothing (their gradient is zero). A compacted part's rows are
    /// held for `update`, unless ∂W already holds some of this step's gradient.
    func addWeightGradient(part: Int, delta: UnsafePointer<T>) {
        let K = columns(part: part)
        guard !K.isEmpty, rows > 0 else { return }
        let k0 = K.lowerBound, n = outputs
        let (a, k) = multiplied(part: part)
        guard k > 0 else { return }
        guard isCompacted(part: part) else {
            T.gemm(transposeA: true, transposeB: false, m: k, n: n, k: rows, alpha: 1, a: a, lda: width,
                   b: delta, ldb: n, beta: 1, c: weightGradient + k0 * n, ldc: n)
            added[k0] = true
            return
        }
        // `gradient` is zero outside held rows, and these rows are held only from a product
        // over the same runs, so the product can add to it (beta = 1): with beta = 0 BLAS first
        // runs a pass that zeroes C.
        T.gemm(transposeA: true, transposeB: false, m: k, n: n, k: rows, alpha: 1, a: a, lda: width,
               b: delta, ldb: n, beta: 1, c: gradient.pointer + k0 * n, ldc: n)
        held[k0] = true
        if added[k0] { releaseGradient(part: part) }
    }

    /// Adds part `part`'s held rows into ∂W, leaving `gradient` zero there.
    func releaseGradient(part: Int) {
        let K = columns(part: part)
        guard !K.isEmpty, held[K.lowerBound] else { return }
        let k0 = K.lowerBound, n = outputs
        var g = gradient.pointer + k0 * n
        for i in 0..<runCount[k0] {
            move(g, addingTo: weightGradient + runStart[k0 + i] * n, count: runLength[k0 + i] * n)
            g += runLength[k0 + i] * n
        }
        held[k0] = false
        added[k0] = true
    }

    /// Adds every held row into ∂W, for code that reads ∂W (the trainer's diagnosis of a
    /// non-finite step, tests).
    func releaseGradients() {
        for part in 0..<parts { releaseGradient(part: part) }
    }

    /// Forgets any held rows (zeroes them): a run that failed may have left a step's gradient
    /// unread.
    func discardGradients() {
        gradient.zero()
        held.update(repeating: false, count: width)
        added.update(repeating: false, count: width)
    }

    /// The optimiser's update of part `part`'s rows of W (`tensor`, k × n), reading held rows
    /// from `gradient` and the rest from ∂W: the same calls over the same elements as one
    /// update of those rows after `releaseGradient`, so the same bits.
    func update(part: Int, optimizer: Optimizer<T>, tensor: Int, weights w: UnsafeMutablePointer<T>, l1: T, l2: T) {
        let K = columns(part: part)
        guard !K.isEmpty else { return }
        let k0 = K.lowerBound, n = outputs
        func updateRows(_ rows: Range<Int>, gradient g: UnsafeMutablePointer<T>) {
            guard !rows.isEmpty else { return }
            optimizer.update(tensor: tensor, weights: w, gradient: g,
                             range: rows.lowerBound * n ..< rows.upperBound * n, l1: l1, l2: l2)
        }
        added[k0] = false
        guard held[k0] else { return updateRows(K, gradient: weightGradient) }
        held[k0] = false
        var row = k0, heldRow = k0
        for i in 0..<runCount[k0] {
            let run = runStart[k0 + i] ..< runStart[k0 + i] + runLength[k0 + i]
            updateRows(row ..< run.lowerBound, gradient: weightGradient)
            updateRows(run, gradient: Self.indexed(gradient.pointer + heldRow * n, from: run.lowerBound * n))
            heldRow += run.count
            row = run.upperBound
        }
        updateRows(row ..< K.upperBound, gradient: weightGradient)
    }

    /// The address of element 0 of an array whose element `first` is at `p`: the optimiser
    /// indexes the gradient from the tensor's start, and reads only from `first` on. (Made from
    /// the integer address: it lies before the buffer, and pointer arithmetic is meant to stay
    /// inside one.)
    private static func indexed(_ p: UnsafeMutablePointer<T>, from first: Int) -> UnsafeMutablePointer<T> {
        UnsafeMutablePointer(bitPattern: UInt(bitPattern: p) &- UInt(first * MemoryLayout<T>.stride))!
    }

    /// to[0..<count] += from[0..<count], then from[0..<count] = 0; 8 at a time.
    private func move(_ from: UnsafeMutablePointer<T>, addingTo to: UnsafeMutablePointer<T>, count: Int) {
        let full = count - count % 8
        for i in stride(from: 0, to: full, by: 8) {
            to.store(to.lanes(at: i) + from.lanes(at: i), at: i)
            from.store(.zero, at: i)
        }
        for i in full..<count {
            to[i] += from[i]
            from[i] = 0
        }
    }

    // MARK: - Which columns are nonzero

    /// ORs the bit patterns of each column of K over the batch's rows into `seen` (as integers,
    /// which vectorise; −0 counts as nonzero, which only costs a skipped skip).
    private func markNonzero(_ a: UnsafePointer<T>, columns K: Range<Int>) {
        if MemoryLayout<T>.size == 4 {
            orRows(UnsafeRawPointer(a).assumingMemoryBound(to: UInt32.self), columns: K,
                   into: seen.assumingMemoryBound(to: UInt32.self))
        } else {
            orRows(UnsafeRawPointer(a).assumingMemoryBound(to: UInt64.self), columns: K,
                   into: seen.assumingMemoryBound(to: UInt64.self))
        }
    }

    private func orRows<U: FixedWidthInteger>(_ a: UnsafePointer<U>, columns K: Range<Int>,
                                              into bits: UnsafeMutablePointer<U>) {
        for c in K { bits[c] = 0 }
        for r in 0..<rows {
            let row = a + r * width
            for c in K { bits[c] |= row[c] }
        }
    }

    private func isSeen(_ c: Int) -> Bool {
        MemoryLayout<T>.size == 4 ? seen.assumingMemoryBound(to: UInt32.self)[c] != 0
            : seen.assumingMemoryBound(to: UInt64.self)[c] != 0
    }
}
