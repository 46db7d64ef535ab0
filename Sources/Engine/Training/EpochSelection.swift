/// Choosing an epoch by its score on validation data after every epoch: early stopping
/// (`patience`) and keeping the best epoch's weights (`restoreBest`).
///
/// After each complete epoch the monitored score s is compared with the best so far s*: it
/// improves when s < s* − minDelta (losses, MSE) or s > s* + minDelta (accuracy). An
/// improvement remembers the epoch (and, with `restoreBest`, a copy of its weights and
/// optimiser state); after `patience` epochs in a row without one, training stops. At the end
/// of the run (stopped early or not) `restoreBest` puts the best epoch's weights and optimiser
/// moments and step back, so training on goes on from that epoch as if the later ones had not
/// happened.
///
///     options.selection = EpochSelection(monitor: .validationLoss, patience: 5, minDelta: 1e-4)
public struct EpochSelection: Hashable, Sendable {
    public enum Monitor: String, Hashable, Sendable {
        /// The validation loss (lower is better).
        case validationLoss
        /// The validation metric: accuracy (higher is better) or MSE (lower is better).
        case validationMetric
    }

    public var monitor: Monitor
    /// Epochs without improvement before stopping; nil never stops early (only keeps the best).
    public var patience: Int?
    /// The smallest change that counts as an improvement (≥ 0).
    public var minDelta: Double
    /// Put the best epoch's weights and optimiser state back at the end of the run.
    public var restoreBest: Bool

    public init(monitor: Monitor = .validationLoss, patience: Int? = nil, minDelta: Double = 0, restoreBest: Bool = true) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
    }

    /// True when `score` improves on `best` by more than `minDelta`.
    func improves(_ score: Double, on best: Double?, higherIsBetter: Bool) -> Bool {
        guard let best else { return score.isFinite }
        return higherIsBetter ? score > best + minDelta : score < best - minDelta
    }

    var fieldProblem: (field: TrainingOptions.Field, message: String)? {
        if let patience, patience < 1 { return (.patience, "patience must be ≥ 1, got \(patience)") }
        if !(minDelta >= 0 && minDelta.isFinite) { return (.minDelta, "the smallest improvement must be ≥ 0, got \(minDelta)") }
        return nil
    }
}

/// Where the selection stands in a run: the best score and its epoch, and the epochs since.
struct SelectionState: Sendable {
    var best: Double?
    /// Epoch number (in the network's history) of the best score.
    var bestEpoch: Int?
    var sinceBest = 0

    /// Records an epoch's score; true when it is the new best (the caller then keeps its weights).
    mutating func record(_ score: Double?, epoch: Int, rule: EpochSelection, higherIsBetter: Bool) -> Bool {
        guard let score, rule.improves(score, on: best, higherIsBetter: higherIsBetter) else {
            sinceBest += 1
            return false
        }
        self = SelectionState(best: score, bestEpoch: epoch, sinceBest: 0)
        return true
    }

    /// True when `rule.patience` epochs in a row brought no improvement.
    func patienceRanOut(_ rule: EpochSelection) -> Bool {
        rule.patience.map { sinceBest >= $0 } ?? false
    }
}
