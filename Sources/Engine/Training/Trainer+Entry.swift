/// The entry points around `Trainer.run`: the Float and Double instances compiled in this
/// module (`Trainer.dispatch` hands over to them), and `Network.train` / `Network.resume`.
extension Trainer where T == Float {
    func runSpecialized(
        on data: any TrainingData, validation: (any TrainingData)?, generator: inout RandomGenerator,
        paused: PausedRun<Float>?, shouldStop: () -> Bool, progress: (TrainingProgress) -> Void,
        epochEnded: (EpochRecord) -> Void
    ) throws(EngineError) -> TrainingResult {
        try run(on: data, validation: validation, generator: &generator, paused: paused,
                shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
    }
}

extension Trainer where T == Double {
    func runSpecialized(
        on data: any TrainingData, validation: (any TrainingData)?, generator: inout RandomGenerator,
        paused: PausedRun<Double>?, shouldStop: () -> Bool, progress: (TrainingProgress) -> Void,
        epochEnded: (EpochRecord) -> Void
    ) throws(EngineError) -> TrainingResult {
        try run(on: data, validation: validation, generator: &generator, paused: paused,
                shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
    }
}

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
