extension Network {
    /// A copy with the same architecture and cost but new weights: each layer's weights drawn
    /// again from `generator` by the default initialisation for its activation (He for the
    /// ReLU family, Xavier otherwise), in the order `addDense` draws them (layer by layer, row
    /// by row of W), biases zero, no history and no optimiser state. Tuning uses it to train
    /// every configuration from its own seed. Layers built with another initialisation
    /// (`init=`, `stddev=`) get the default one.
    ///
    ///     var g = RandomGenerator(seed: 7)
    ///     let fresh = net.freshCopy(generator: &g)   // same as building net again after seeding 7
    public func freshCopy(generator: inout RandomGenerator) -> Network<T> {
        let n = copy()
        for s in n.stack.indices { n.stack[s].drawParameters(generator: &generator) }
        n.history = TrainingHistory()
        n.optimizerState = nil
        return n
    }
}

extension AnyNetwork {
    /// `Network.freshCopy(generator:)` in the same precision.
    public func freshCopy(generator: inout RandomGenerator) -> AnyNetwork {
        switch self {
        case .float(let n): .float(n.freshCopy(generator: &generator))
        case .double(let n): .double(n.freshCopy(generator: &generator))
        }
    }
}
