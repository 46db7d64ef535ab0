/// The forward and backward passes and the optimiser step over a workspace: the network walks
/// its stack and each layer runs its own pass (`Layer`; the dense layer's products are in
/// `DenseLayer+Layer.swift`, with the notation of the maths). One dynamic call per layer per
/// batch; nothing is allocated.
///
/// The output layer must be a dense layer: its bias and activation go through the cost's fused
/// pass against `ws.targets`, which also writes its δ = ∂ℓ/∂z.
///
/// Backward, layer s writes the gradient with respect to its input, and the layer in front
/// (s − 1) finishes it with its own element-wise pass: fused into s's product when s has one
/// (`appliesFrontEpilogue`: a dense layer in front of a dense layer, δ_prev = (δ·Wᵀ) ⊙ f'),
/// else run after s (`finishGradient`: dropout's δ_prev = (δ·Wᵀ) ⊙ m ⊙ f', as two passes).
extension Network {
    /// Runs `rows` examples from `ws.inputs` through every layer. The output layer goes through
    /// the cost's fused pass against `ws.targets`; with `withDelta`, its gradient buffer
    /// receives `scale · ∂ℓ/∂z` per row. Returns the summed loss and the correct-class count.
    /// With `dropout` (training), dropout layers apply the masks drawn by
    /// `ws.drawDropoutMasks`; without, they are the identity.
    /// With `active` (`ws.activeInputs(for:)`), the first layer leaves out the batch's all-zero
    /// input columns; pass the same to `backwardPass`.
    @discardableResult
    func forwardPass(_ ws: Workspace<T>, rows: Int, cost: Cost, withDelta: Bool, scale: T,
                     dropout: Bool = false, parallel: ParallelJobs<T>? = nil,
                     active: ActiveInputs<T>? = nil) -> OutputTotals {
        let pass = Pass(ws: ws, rows: rows, training: dropout, parallel: parallel, active: active)
        let last = ws.outputLayer   // layers after it (a trailing dropout) are not run
        for s in 0..<last { stack[s].forward(pass, at: s) }
        let output = stack[last] as! DenseLayer<T>   // see `Network.check`
        output.forward(pass, at: last)
        return output.outputPass(pass, at: last, cost: cost, targets: ws.targets.pointer, withDelta: withDelta,
                                 scale: scale)
    }

    /// Runs `rows` examples from `ws.inputs` through every layer without a cost (prediction);
    /// the outputs are then at `ws.outputs.last` (the output layer's).
    func predictPass(_ ws: Workspace<T>, rows: Int) {
        let pass = Pass(ws: ws, rows: rows, training: false, parallel: nil, active: nil)
        for s in 0...ws.outputLayer { stack[s].predict(pass, at: s) }
    }

    /// Given the output layer's δ from `forwardPass(withDelta: true)`, adds this chunk's
    /// gradients to every layer's parameter-gradient buffers (which start at zero; the
    /// optimiser's update sets them back to zero as it reads them).
    /// Pass the same `dropout` and `active` as to the forward pass.
    func backwardPass(_ ws: Workspace<T>, rows: Int, dropout: Bool = false, parallel: ParallelJobs<T>? = nil,
                      active: ActiveInputs<T>? = nil) {
        guard rows > 0 else { return }
        let pass = Pass(ws: ws, rows: rows, training: dropout, parallel: parallel, active: active)
        // A counting loop, not `indices.reversed()`: unoptimised, the generic reversed iterator
        // allocates on every step, and this runs every batch.
        var s = ws.outputLayer + 1
        while s > 0 {
            s -= 1
            let layer = stack[s]
            let passesBack = pass.needsInputGradient(s)
            let fused = passesBack && pass.gradientIsFinished(s - 1)
            layer.backward(pass, at: s, frontEpilogue: fused ? stack[s - 1].gradientEpilogue(pass, at: s - 1) : .none)
            if passesBack && !fused { stack[s - 1].finishGradient(pass, at: s - 1) }
        }
    }

    /// One optimiser step over every layer's parameters from the gradients in `ws` (see each
    /// layer's `update`: dense weights with the penalties, biases without). Pass the `active`
    /// of the passes, whose first-layer gradient rows it may hold.
    func applyStep(_ optimizer: Optimizer<T>, _ ws: Workspace<T>, regularization: Regularization,
                   parallel: ParallelJobs<T>? = nil, active: ActiveInputs<T>? = nil) {
        optimizer.beginStep()
        let pass = Pass(ws: ws, rows: 0, training: true, parallel: parallel, active: active)
        for s in 0..<stack.count {
            stack[s].update(pass, at: s, optimizer: optimizer, regularization: regularization)
        }
    }
}
