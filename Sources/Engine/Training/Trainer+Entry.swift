/// The entry points around `Trainer`: `Network.train` / `Network.resume`.
extension Network {
    /// Trains this network; see `Trainer` (a new trainer per call).
    @discardableResult
    public func train(
        on data: any TrainingData, validation: (any TrainingData)? = nil, options: TrainingOptions,
        generator: inout RandomGenerator, shouldStop: () -> Bool = { false },
        progress: (TrainingProgress) -> Void = { _ in }, epochEnded: (EpochRecord) -> Void = { _ in }
    ) throws(EngineError) -> TrainingResult {
        try Trainer(network: self, options: options)
            .train(on: data, validation: validation, generator: &generator, shouldStop: shouldStop,
                   progress: progress, epochEnded: epochEnded)
    }

    /// Goes on with the paused run (`pausedRun`) exactly where it stopped; see `Trainer.resume`.
    @discardableResult
    public func resume(
        on data: any TrainingData, validation: (any TrainingData)? = nil, shouldStop: () -> Bool = { false },
        progress: (TrainingProgress) -> Void = { _ in }, epochEnded: (EpochRecord) -> Void = { _ in }
    ) throws(EngineError) -> TrainingResult {
        try Trainer(resuming: self)
            .resume(on: data, validation: validation, shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
    }
}
