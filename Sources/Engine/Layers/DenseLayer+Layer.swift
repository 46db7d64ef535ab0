/// The dense layer's passes over a workspace (fast path: raw buffers, one GEMM per product,
/// the element-wise pass after each GEMM fused into the GEMM's parts when it is split over
/// threads, no allocation). `forward(_:)` (`reference`) is the simple path beside it; the
/// tests check that the two agree.
///
/// With input a (rows × k), weights W (k × n), outputs y (rows × n):
///
///     forward   y = f(a·W + b)                      GEMM NN: rows×k · k×n
///     backward  ∂W = aᵀ·δ        (k × n)            GEMM TN
///               ∂b = Σ_rows δ    (n)
///               ∂a = δ·Wᵀ        (rows × k)         GEMM NT, only when a layer in front has parameters;
///                                                   the layer in front's epilogue (a dense layer's
///                                                   ⊙ f'_prev(a)) fused into its parts
///
/// The output layer leaves its bias and activation to the cost (`Network.forwardPass`), whose
/// fused pass also writes its δ. `@_specialize` gives Float and Double their own compiled
/// passes: the network calls them through `any Layer<T>`, once per layer per batch.
extension DenseLayer: Layer {
    typealias Element = T

    public static var kind: String { "dense" }

    /// A flat vector of its outputs, for any shape of as many values as its inputs: an image
    /// is read as its values in row-major order, so a dense layer after a convolution or a
    /// pooling flattens by itself (this is where that rule lives; `FlattenLayer` writes it out).
    public func outputShape(for input: Shape) throws(EngineError) -> Shape {
        guard input.count == inputs else {
            throw EngineError(.shapeMismatch, "a dense layer of \(counted(inputs, "input")) cannot take \(input.count)")
        }
        return Shape(outputs)
    }

    public var parameterShapes: [Shape] { [Shape([inputs, outputs]), Shape(outputs)] }
    var parameterTensorCount: Int { 2 }
    public var parameterKinds: [ParameterKind] { [.weights, .bias] }

    func withParameter<R>(_ index: Int, _ body: (UnsafeBufferPointer<T>) -> R) -> R {
        index == 0 ? weights.storage.withUnsafeBufferPointer(body) : bias.withUnsafeBufferPointer(body)
    }

    mutating func withMutableParameter<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<T>) -> R) -> R {
        index == 0 ? weights.storage.withUnsafeMutableBufferPointer { body($0) }
                   : bias.withUnsafeMutableBufferPointer { body($0) }
    }

    /// The default initialisation for its activation (He for the ReLU family, Xavier
    /// otherwise), row by row of W, biases zero: as `Network.addDense` draws them.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public mutating func drawParameters(generator: inout RandomGenerator) {
        let drawn: (weights: Matrix<T>, bias: [T]) = WeightInitialization.default(for: activation)
            .draw(inputs: inputs, outputs: outputs, generator: &generator)
        weights = drawn.weights
        bias = drawn.bias
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<T> {
        LayerBuffers(output: Buffer(count: capacity * outputs), gradient: Buffer(count: capacity * outputs),
                     parameterGradients: [Buffer(count: weights.count), Buffer(count: outputs)])
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward(_ pass: Pass<T>, at s: Int) {
        let input = pass.input(s), out = pass.buffers(s).output!.pointer
        pass.setOutput(s, out)
        let rows = pass.rows, n = outputs, k = inputs
        weights.storage.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                // Hidden layers: bias and activation fused into the GEMM's parts; a large
                // one is cut along its inputs, as its ∂W and update are (`InputSplit`).
                let epilogue: Epilogue<T> = s < pass.last ? .biasActivation(activation, bias: b.baseAddress!) : .none
                let skipping = skipsZeroInputs(pass, at: s)
                if let parallel = pass.parallel, splitsInputs(pass, at: s) {
                    parallel.run(ParallelJobs<T>.InputSplit(m: rows, n: n, k: k, a: input, lda: k,
                                                            w: w.baseAddress!, y: out, epilogue: epilogue,
                                                            active: skipping))
                    return
                }
                if let skipping {
                    ParallelJobs<T>.InputSplit(m: rows, n: n, k: k, a: input, lda: k, w: w.baseAddress!, y: out,
                                               epilogue: epilogue, active: skipping).runHere()
                    return
                }
                splitGemm(pass.parallel, transposeA: false, transposeB: false, m: rows, n: n, k: k,
                          alpha: 1, a: input, lda: k, b: w.baseAddress!, ldb: n,
                          beta: 0, c: out, ldc: n, epilogue: epilogue)
            }
        }
    }

    /// The cost's fused pass on the output layer: bias, activation, loss and (with `delta`) δ.
    func outputPass(_ pass: Pass<T>, at s: Int, cost: Cost, targets: UnsafePointer<T>, withDelta: Bool,
                    scale: T) -> OutputTotals {
        bias.withUnsafeBufferPointer { b in
            cost.outputPass(activation: activation, out: pass.output(s), rows: pass.rows, columns: outputs,
                            bias: b.baseAddress!, targets: targets,
                            delta: withDelta ? pass.gradient(s) : nil, scale: scale)
        }
    }

    /// The gradient buffers start at zero and the optimiser's update sets them back to zero as
    /// it reads them, so the GEMM can always accumulate (beta = 1): BLAS then skips the pass
    /// that zeroes C, and full-batch gradient descent sums its chunks (each scaled by 1/count)
    /// with no extra code.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func backward(_ pass: Pass<T>, at s: Int, frontEpilogue: Epilogue<T>) {
        let rows = pass.rows, n = outputs, k = inputs
        let input = pass.input(s), delta = pass.gradient(s)
        let buffers = pass.buffers(s)
        // ∂W = aᵀ · δ   (k × n) = (rows × k)ᵀ · (rows × n)
        let dW = buffers.parameterGradients[0].pointer
        if let skipping = skipsZeroInputs(pass, at: s) {
            // Only the rows of the active inputs, each part its own (`ActiveInputs`).
            let g = ParallelJobs<T>.ActiveGradient(active: skipping, delta: delta)
            if let parallel = pass.parallel { parallel.run(g) } else { g.runHere() }
        } else {
            splitGemm(pass.parallel, transposeA: true, transposeB: false, m: k, n: n, k: rows,
                      alpha: 1, a: input, lda: k, b: delta, ldb: n, beta: 1, c: dW, ldc: n,
                      split: splitsInputs(pass, at: s) ? .rows : .auto)
        }
        // ∂b = column sums of δ
        // (8 columns at a time: the compiler cannot prove db and δ apart, and left the plain
        // loop scalar; each column still sums its rows in order, so the bits are the same.)
        let db = buffers.parameterGradients[1].pointer
        let full = n - n % 8
        for r in 0..<rows {
            let row = delta + r * n
            for c in stride(from: 0, to: full, by: 8) { db.store(db.lanes(at: c) + row.lanes(at: c), at: c) }
            for c in full..<n { db[c] += row[c] }
        }
        guard pass.needsInputGradient(s) else { return }
        // ∂a = δ · Wᵀ   (rows × k) = (rows × n) · (k × n)ᵀ, with the epilogue of the layer in front
        let previous = pass.gradient(s - 1)
        weights.storage.withUnsafeBufferPointer { w in
            splitGemm(pass.parallel, transposeA: false, transposeB: true, m: rows, n: k, k: n,
                      alpha: 1, a: delta, lda: n, b: w.baseAddress!, ldb: n,
                      beta: 0, c: previous, ldc: k, epilogue: frontEpilogue)
        }
    }

    var appliesFrontEpilogue: Bool { true }

    /// δ = ∂y ⊙ f'(y), read from its outputs.
    func gradientEpilogue(_ pass: Pass<T>, at s: Int) -> Epilogue<T> {
        .derivative(activation, output: pass.output(s))
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func finishGradient(_ pass: Pass<T>, at s: Int) {
        activation.backpropagate(pass.gradient(s), output: pass.output(s), rows: pass.rows, columns: outputs)
    }

    /// Weights with the penalties, biases without. With a pool, a big weight tensor is cut
    /// into one run per part (by its input rows when its products are, see `InputSplit`).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    mutating func update(_ pass: Pass<T>, at s: Int, optimizer: Optimizer<T>, regularization: Regularization) {
        let l1 = T(regularization.l1), l2 = T(regularization.l2)
        let gradients = pass.buffers(s).parameterGradients
        let gw = gradients[0].pointer, gb = gradients[1].pointer
        let tensor = pass.firstTensor(s)
        // (Read before the closure below, which has exclusive access to the layer.)
        let rowLength = splitsInputs(pass, at: s) ? outputs : 0
        let skipping = skipsZeroInputs(pass, at: s)
        let parallel = pass.parallel
        weights.storage.withUnsafeMutableBufferPointer { w in
            if let parallel, parallel.width > 1, w.count >= 1 << 14 {
                parallel.run(ParallelJobs<T>.Update(optimizer: optimizer, tensor: tensor, weights: w.baseAddress!,
                                                    gradient: gw, count: w.count, l1: l1, l2: l2,
                                                    rowLength: rowLength, active: skipping))
            } else if let skipping {
                for part in 0..<skipping.parts {
                    skipping.update(part: part, optimizer: optimizer, tensor: tensor, weights: w.baseAddress!, l1: l1, l2: l2)
                }
            } else {
                optimizer.update(tensor: tensor, weights: w.baseAddress!, gradient: gw,
                                 range: 0..<w.count, l1: l1, l2: l2)
            }
        }
        bias.withUnsafeMutableBufferPointer { b in
            optimizer.update(tensor: tensor + 1, weights: b.baseAddress!, gradient: gb,
                             range: 0..<b.count, l1: 0, l2: 0)
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func predict(_ pass: Pass<T>, at s: Int) {
        let input = pass.input(s), out = pass.buffers(s).output!.pointer
        pass.setOutput(s, out)
        let rows = pass.rows, n = outputs, k = inputs
        weights.storage.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                if rows > 0 {
                    T.gemm(transposeA: false, transposeB: false, m: rows, n: n, k: k,
                           alpha: 1, a: input, lda: k, b: w.baseAddress!, ldb: n,
                           beta: 0, c: out, ldc: n)
                }
                activation.addBiasAndApply(out, rows: rows, columns: n, bias: b.baseAddress!)
            }
        }
    }

    public func reference(_ x: Matrix<T>) -> Matrix<T> { forward(x) }

    /// "300 relu".
    public var summary: String { "\(outputs) \(activation)" }

    /// Forward: rows × inputs · inputs × outputs (the backward products have the same sizes).
    func largestProduct(rows: Int) -> MatrixProduct? { MatrixProduct(m: rows, n: outputs, k: inputs) }

    func convertedLayer<U: Scalar>(to: U.Type) -> any Layer<U> { converted(to: U.self) as DenseLayer<U> }

    func isEqual(to other: any Layer<T>) -> Bool { (other as? DenseLayer<T>) == self }

    /// `pass.active` if this layer leaves out zero inputs in this pass: the first layer, on one
    /// thread or when its forward product is an `InputSplit` (whose parts each do their own columns).
    func skipsZeroInputs(_ pass: Pass<T>, at s: Int) -> ActiveInputs<T>? {
        guard s == 0, let active = pass.active, pass.parallel == nil || splitsInputs(pass, at: s) else { return nil }
        return active
    }

    /// Whether this hidden layer's forward product is cut along its inputs (`InputSplit`); its
    /// ∂W product is then cut by rows and its update by the same rows.
    func splitsInputs(_ pass: Pass<T>, at s: Int) -> Bool {
        guard let parallel = pass.parallel, s < pass.last else { return false }
        return parallel.splitsInputs(inputs: inputs, outputs: outputs, activation: activation)
    }
}
