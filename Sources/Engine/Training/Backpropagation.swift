/// The forward and backward passes over a workspace (fast path: raw buffers, one GEMM per
/// product, the element-wise pass after each GEMM fused into the GEMM's parts when it is split
/// over threads, no allocation). `DenseLayer.forward` is the simple
/// reference path beside it; the tests check that the two agree.
///
/// Notation for layer l with input a (rows × n_in), weights W (n_in × n_out), outputs y:
///
///     forward   y = f(a·W + b)                      GEMM NN: rows×n_in · n_in×n_out
///     backward  ∂W = aᵀ·δ        (n_in × n_out)     GEMM TN
///               ∂b = Σ_rows δ    (n_out)
///               δ_prev = (δ·Wᵀ) ⊙ f'_prev(a)        GEMM NT, skipped for the first layer
///
/// With `dropout: true`, a layer with a dropout in front of it reads ã = a ⊙ m instead of a
/// (m: the mask in `ws.dropoutMasks[l]`, drawn beforehand), so ∂W = ãᵀ·δ and
/// δ_prev = (δ·Wᵀ) ⊙ m ⊙ f'_prev(a). With `dropout: false` (evaluation) dropout is the identity.
extension Network {
    /// Runs `rows` examples from `ws.inputs` through every layer. The output layer goes through
    /// the cost's fused pass against `ws.targets`; with `withDelta`, `ws.deltas[last]` receives
    /// `scale · ∂ℓ/∂z` per row. Returns the summed loss and the correct-class count.
    /// With `dropout`, layers read their inputs through the masks in `ws.dropoutMasks`.
    /// With `active` (`ws.activeInputs(for:)`), the first layer leaves out the batch's all-zero
    /// input columns; pass the same to `backwardPass`.
    @discardableResult
    func forwardPass(_ ws: Workspace<T>, rows: Int, cost: Cost, withDelta: Bool, scale: T,
                     dropout: Bool = false, parallel: ParallelJobs<T>? = nil,
                     active: ActiveInputs<T>? = nil) -> OutputTotals {
        var totals = OutputTotals()
        let last = layers.count - 1
        for l in 0...last {
            var input = l == 0 ? ws.inputs.pointer : ws.outputs[l - 1].pointer
            if dropout, let mask = ws.dropoutMasks[l], let dropped = ws.droppedInputs[l] {
                Dropout.apply(input, mask: mask.pointer, to: dropped.pointer, count: rows * layers[l].inputs)
                input = dropped.pointer
            }
            let out = ws.outputs[l].pointer
            let n = layers[l].outputs, k = layers[l].inputs
            layers[l].weights.storage.withUnsafeBufferPointer { w in
                layers[l].bias.withUnsafeBufferPointer { b in
                    // Hidden layers: bias and activation fused into the GEMM's parts; a large
                    // one is cut along its inputs, as its ∂W and update are (`InputSplit`).
                    // (The output layer's bias and activation come with the cost, below.)
                    let epilogue: Epilogue<T> = l < last ? .biasActivation(layers[l].activation, bias: b.baseAddress!) : .none
                    let skipping = l == 0 ? skipsZeroInputs(active, parallel) : nil
                    if let parallel, splitsInputs(l, parallel) {
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
                    splitGemm(parallel, transposeA: false, transposeB: false, m: rows, n: n, k: k,
                              alpha: 1, a: input, lda: k, b: w.baseAddress!, ldb: n,
                              beta: 0, c: out, ldc: n, epilogue: epilogue)
                }
            }
            if l == last {
                layers[l].bias.withUnsafeBufferPointer { b in
                    totals = cost.outputPass(
                        activation: layers[l].activation, out: out, rows: rows, columns: n,
                        bias: b.baseAddress!, targets: ws.targets.pointer,
                        delta: withDelta ? ws.deltas[l].pointer : nil, scale: scale)
                }
            }
        }
        return totals
    }

    /// Runs `rows` examples from `ws.inputs` through every layer without a cost (prediction).
    func predictPass(_ ws: Workspace<T>, rows: Int) {
        for l in layers.indices {
            let input = l == 0 ? ws.inputs.pointer : ws.outputs[l - 1].pointer
            let out = ws.outputs[l].pointer
            let n = layers[l].outputs, k = layers[l].inputs
            layers[l].weights.storage.withUnsafeBufferPointer { w in
                layers[l].bias.withUnsafeBufferPointer { b in
                    if rows > 0 {
                        T.gemm(transposeA: false, transposeB: false, m: rows, n: n, k: k,
                               alpha: 1, a: input, lda: k, b: w.baseAddress!, ldb: n,
                               beta: 0, c: out, ldc: n)
                    }
                    layers[l].activation.addBiasAndApply(out, rows: rows, columns: n, bias: b.baseAddress!)
                }
            }
        }
    }

    /// Given `ws.deltas[last]` from `forwardPass(withDelta: true)`, adds this chunk's gradients
    /// to every layer's `weightGradients` and `biasGradients`.
    ///
    /// The gradient buffers start at zero and the optimiser's update sets them back to zero as
    /// it reads them, so the GEMM can always accumulate (beta = 1): BLAS then skips the pass
    /// that zeroes C, and full-batch gradient descent sums its chunks (each scaled by 1/count)
    /// with no extra code.
    /// Pass the same `dropout` and `active` as to the forward pass.
    func backwardPass(_ ws: Workspace<T>, rows: Int, dropout: Bool = false, parallel: ParallelJobs<T>? = nil,
                      active: ActiveInputs<T>? = nil) {
        guard rows > 0 else { return }
        // A counting loop, not `indices.reversed()`: unoptimised, the generic reversed iterator
        // allocates on every step, and this runs every batch.
        var l = layers.count
        while l > 0 {
            l -= 1
            let mask = dropout ? ws.dropoutMasks[l] : nil
            let input = mask != nil ? ws.droppedInputs[l]!.pointer
                : l == 0 ? ws.inputs.pointer : ws.outputs[l - 1].pointer
            let delta = ws.deltas[l].pointer
            let n = layers[l].outputs, k = layers[l].inputs
            // ∂W = aᵀ · δ   (k × n) = (rows × k)ᵀ · (rows × n)
            let dW = ws.weightGradients[l].pointer
            if l == 0, let skipping = skipsZeroInputs(active, parallel) {
                // Only the rows of the active inputs, each part its own (`ActiveInputs`).
                let g = ParallelJobs<T>.ActiveGradient(active: skipping, delta: delta)
                if let parallel { parallel.run(g) } else { g.runHere() }
            } else {
                splitGemm(parallel, transposeA: true, transposeB: false, m: k, n: n, k: rows,
                          alpha: 1, a: input, lda: k, b: delta, ldb: n, beta: 1, c: dW, ldc: n,
                          split: splitsInputs(l, parallel) ? .rows : .auto)
            }
            // ∂b = column sums of δ
            // (8 columns at a time: the compiler cannot prove db and δ apart, and left the plain
            // loop scalar; each column still sums its rows in order, so the bits are the same.)
            let db = ws.biasGradients[l].pointer
            let full = n - n % 8
            for r in 0..<rows {
                let row = delta + r * n
                for c in stride(from: 0, to: full, by: 8) { db.store(db.lanes(at: c) + row.lanes(at: c), at: c) }
                for c in full..<n { db[c] += row[c] }
            }
            if l > 0 {
                // δ_prev = (δ · Wᵀ) ⊙ f'_prev   (rows × k) = (rows × n) · (k × n)ᵀ
                let previous = ws.deltas[l - 1].pointer
                // Without dropout the derivative is fused into the GEMM's parts; with it, the
                // mask comes first (δ ⊙ mask ⊙ f'), as two passes.
                let derivative = layers[l - 1].activation
                layers[l].weights.storage.withUnsafeBufferPointer { w in
                    splitGemm(parallel, transposeA: false, transposeB: true, m: rows, n: k, k: n,
                              alpha: 1, a: delta, lda: n, b: w.baseAddress!, ldb: n,
                              beta: 0, c: previous, ldc: k,
                              epilogue: mask == nil ? .derivative(derivative, output: ws.outputs[l - 1].pointer) : .none)
                }
                if let mask {
                    Dropout.apply(previous, mask: mask.pointer, to: previous, count: rows * k)
                    derivative.backpropagate(previous, output: ws.outputs[l - 1].pointer, rows: rows, columns: k)
                }
            }
        }
    }

    /// `active` if the first layer leaves out zero inputs in this pass: on one thread, or when
    /// its forward product is an `InputSplit` (whose parts each do their own columns).
    func skipsZeroInputs(_ active: ActiveInputs<T>?, _ parallel: ParallelJobs<T>?) -> ActiveInputs<T>? {
        guard let active, parallel == nil || splitsInputs(0, parallel) else { return nil }
        return active
    }

    /// Whether hidden layer `l`'s forward product is cut along its inputs (`InputSplit`); its
    /// ∂W product is then cut by rows and its update by the same rows.
    func splitsInputs(_ l: Int, _ parallel: ParallelJobs<T>?) -> Bool {
        guard let parallel, l < layers.count - 1 else { return false }
        let layer = layers[l]
        return parallel.splitsInputs(inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation)
    }

    /// One optimiser step over every layer from the gradients in `ws`: weights with the
    /// penalties, biases without. With a pool, each tensor is cut into one run per part.
    /// Pass the `active` of the passes, whose first-layer gradient rows it may hold.
    func applyStep(_ optimizer: Optimizer<T>, _ ws: Workspace<T>, regularization: Regularization,
                   parallel: ParallelJobs<T>? = nil, active: ActiveInputs<T>? = nil) {
        optimizer.beginStep()
        let l1 = T(regularization.l1), l2 = T(regularization.l2)
        for l in layers.indices {
            let gw = ws.weightGradients[l].pointer, gb = ws.biasGradients[l].pointer
            // (Read before the closure below, which has exclusive access to the layer.)
            let rowLength = splitsInputs(l, parallel) ? layers[l].outputs : 0
            let skipping = l == 0 ? skipsZeroInputs(active, parallel) : nil
            layers[l].weights.storage.withUnsafeMutableBufferPointer { w in
                if let parallel, parallel.width > 1, w.count >= 1 << 14 {
                    parallel.run(ParallelJobs<T>.Update(optimizer: optimizer, tensor: 2 * l, weights: w.baseAddress!,
                                                        gradient: gw, count: w.count, l1: l1, l2: l2,
                                                        rowLength: rowLength, active: skipping))
                } else if let skipping {
                    for part in 0..<skipping.parts {
                        skipping.update(part: part, optimizer: optimizer, tensor: 2 * l, weights: w.baseAddress!, l1: l1, l2: l2)
                    }
                } else {
                    optimizer.update(tensor: 2 * l, weights: w.baseAddress!, gradient: gw,
                                     range: 0..<w.count, l1: l1, l2: l2)
                }
            }
            layers[l].bias.withUnsafeMutableBufferPointer { b in
                optimizer.update(tensor: 2 * l + 1, weights: b.baseAddress!, gradient: gb,
                                 range: 0..<b.count, l1: 0, l2: 0)
            }
        }
    }
}
