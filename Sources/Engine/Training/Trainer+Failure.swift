/// What the trainer does when a step goes non-finite: the cheap per-batch check, and the
/// diagnosis that names the first layer whose weights, outputs or gradients went NaN or
/// infinite, after restoring the last good state (see `Trainer`).
extension Trainer {
    /// True when every bias gradient of the batch is finite. A cheap per-batch check (one value
    /// per unit): a non-finite δ in a layer shows up in its ∂b = Σ δ.
    func biasGradientsAreFinite(_ ws: Workspace<T>) -> Bool {
        for l in 0..<ws.biasGradients.count {
            let g = ws.biasGradients[l]
            for i in 0..<g.count where !g.pointer[i].isFinite { return false }
        }
        return true
    }

    /// Restores the last good state and builds the error naming where non-finite values appeared.
    func failure(
        epoch: Int, batch: Int, loss: Double, ws: Workspace<T>, rows: Int, weightLayer: Int? = nil,
        good: Snapshot<T>, optimizer: Optimizer<T>
    ) -> EngineError {
        let net = network
        ws.releaseHeldGradients()
        var layer = weightLayer
        var place = "weights"
        if layer == nil, let bad = firstNonFiniteLayer(inWeightsOf: net) { layer = bad }
        // Layers are counted among those with parameters (as `firstNonFiniteLayer` counts them),
        // whatever their kind; `parametric[l]` is layer l's place in the stack.
        let parametric = net.stack.indices.filter { net.stack[$0].parameterTensorCount > 0 }
        if layer == nil {
            place = "outputs"
            for (l, s) in parametric.enumerated() where layer == nil {
                guard let output = ws.layers[s].output else { continue }
                let n = rows * net.shapes[s].count, p = output.pointer
                if (0..<n).contains(where: { !p[$0].isFinite }) { layer = l }
            }
        }
        if layer == nil {
            place = "gradients"
            for (l, s) in parametric.enumerated() where layer == nil {
                for g in ws.layers[s].parameterGradients where layer == nil {
                    if (0..<g.count).contains(where: { !g.pointer[$0].isFinite }) { layer = l }
                }
            }
        }
        func name(_ l: Int) -> String {
            guard let d = net.stack[parametric[l]] as? DenseLayer<T> else {
                return "layer \(l + 1) (\(net.stack[parametric[l]].summary))"
            }
            return "layer \(l + 1) (\(d.inputs)→\(d.outputs) \(d.activation))"
        }
        let where_: String
        if let layer {
            where_ = "first non-finite values in \(name(layer)) \(place)"
        } else {
            layer = parametric.count - 1
            where_ = "the outputs of \(name(layer!)) are finite but its \(net.cost) overflowed"
        }
        good.restore(to: net, optimizer: optimizer)
        net.optimizerState = optimizer.state
        let restored = good.epoch.map { "weights restored to the end of epoch \($0)" }
            ?? "weights restored to their values before this run"
        let what = loss.isNaN ? "the loss became NaN"
            : !loss.isFinite ? "the loss became infinite"
            : place == "gradients" ? "the gradients became non-finite" : "the weights became non-finite"
        return EngineError(.nonFinite, "epoch \(epoch), batch \(batch): \(what); \(where_); \(restored)",
                           layer: layer, epoch: epoch, batch: batch)
    }

    /// The first layer with a non-finite parameter, counted among the layers with parameters
    /// (as `Network.layers` counts them). Runs after every epoch, so it walks the values by
    /// index: unoptimised, the generic `contains(where:)` allocates per element.
    func firstNonFiniteLayer(inWeightsOf net: Network<T>) -> Int? {
        var l = 0
        for s in 0..<net.stack.count where net.stack[s].parameterTensorCount > 0 {
            for i in 0..<net.stack[s].parameterTensorCount where !net.stack[s].withParameter(i, { allFinite($0) }) { return l }
            l += 1
        }
        return nil
    }

    func allFinite(_ p: UnsafeBufferPointer<T>) -> Bool {
        for i in 0..<p.count where !p[i].isFinite { return false }
        return true
    }
}
