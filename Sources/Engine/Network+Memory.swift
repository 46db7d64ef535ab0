extension Network {
    /// The bytes the network holds: its parameters, the optimiser's moments, and a paused
    /// run's copies (the last good weights and moments, the best weights and moments, the epoch's example
    /// order). What it is charged against `MemoryLimit` while a session holds it.
    public var memoryBytes: Int {
        let size = MemoryLayout<T>.stride
        var values = parameterCount
        if let state = optimizerState { values += state.moments.count * parameterCount }
        var bytes = 0
        if let run = pausedRun {
            values += run.goodWeights.reduce(0) { $0 + $1.count }
            values += run.goodOptimizer.moments.count * parameterCount
            values += run.best?.weights.reduce(0) { $0 + $1.count } ?? 0
            values += (run.best?.optimizer.moments.count ?? 0) * parameterCount
            bytes += (run.position?.order.count ?? 0) * MemoryLayout<Int>.stride
        }
        return bytes + values * size
    }
}

extension AnyNetwork {
    /// See `Network.memoryBytes`.
    public var memoryBytes: Int {
        switch self { case .float(let n): n.memoryBytes; case .double(let n): n.memoryBytes }
    }
}
