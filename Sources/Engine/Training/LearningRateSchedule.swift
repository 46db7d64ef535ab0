import Foundation

/// How the learning rate changes from epoch to epoch within one training run.
///
/// With the base rate η₀ (the optimiser's `learningRate`), epoch e = 1, 2, …, E of the run:
///
///     constant     η_e = η₀
///     step         η_e = η₀ · γ^⌊(e − 1) / every⌋          (γ every `every` epochs)
///     exponential  η_e = η₀ · γ^(e − 1)
///     cosine       η_e = η_min + (η₀ − η_min) · (1 + cos(π · (e − 1) / (E − 1))) / 2
///                  (η₀ in the first epoch, η_min in the last; η₀ when E = 1)
///
/// The rate is set at the start of each epoch and held for all of its batches; the history
/// records it (`EpochRecord.learningRate`). A paused run resumes with the same schedule.
public enum LearningRateSchedule: Hashable, Sendable {
    case constant
    case step(every: Int, gamma: Double)
    case exponential(gamma: Double)
    case cosine(minimum: Double)

    /// The rate for 1-based epoch `epoch` of a run of `epochs` epochs.
    public func rate(base: Double, epoch: Int, of epochs: Int) -> Double {
        let e = Double(Swift.max(epoch, 1) - 1)
        switch self {
        case .constant:
            return base
        case .step(let every, let gamma):
            return base * pow(gamma, Double((Swift.max(epoch, 1) - 1) / Swift.max(every, 1)))
        case .exponential(let gamma):
            return base * pow(gamma, e)
        case .cosine(let minimum):
            guard epochs > 1 else { return base }
            return minimum + (base - minimum) * (1 + cos(Double.pi * e / Double(epochs - 1))) / 2
        }
    }

    /// The schedules by name: the shell's `schedule=` words.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case constant, step, exp, cosine
    }

    public var kind: Kind {
        switch self {
        case .constant: .constant
        case .step: .step
        case .exponential: .exp
        case .cosine: .cosine
        }
    }

    /// "step", "exp", "cosine" or "constant".
    public var name: String { kind.rawValue }

    /// γ when none is given: 0.1 for a step schedule, 0.95 for an exponential one.
    public static let defaultStepGamma = 0.1
    public static let defaultExponentialGamma = 0.95

    /// Nil when the parameters are in range, else the first one that is not and why.
    var fieldProblem: (field: TrainingOptions.Field, message: String)? {
        switch self {
        case .constant: return nil
        case .step(let every, let gamma):
            if every < 1 { return (.stepEvery, "a step schedule needs at least 1 epoch between steps, got \(every)") }
            if !(gamma > 0 && gamma.isFinite) { return (.gamma, "gamma must be > 0, got \(gamma)") }
        case .exponential(let gamma):
            if !(gamma > 0 && gamma.isFinite) { return (.gamma, "gamma must be > 0, got \(gamma)") }
        case .cosine(let minimum):
            if !(minimum >= 0 && minimum.isFinite) { return (.minimumRate, "the cosine schedule's last rate must be ≥ 0, got \(minimum)") }
        }
        return nil
    }
}
