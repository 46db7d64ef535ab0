import Data
import Engine
import Foundation

/// What `grid` and `halving` share: the configurations, the data each run trains and is
/// scored on, the seeds, and how a configuration's runs are trained and scored.
///
/// A configuration is run once per repeat and per split (k folds, one hold-out set, or the
/// given validation set). Every run trains a fresh copy of the network's architecture whose
/// weights are drawn from the repeat's seed (`seed`, `seed + 1`, ...), with `train` called as
/// if written by hand (`train copy part.train <options> seed=<seed> quiet`), then scored by
/// `eval` on the part it did not train on. The folds or hold-out set of repeat r are cut with
/// seed + r, so `folds data k seed=<seed>` reproduces them.
final class Search {
    /// The declarations `grid` and `halving` share (their own come first).
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network whose architecture is trained (it is not changed: every run trains a fresh copy)"),
        .positional("data", CommonParameters.dataset, help: "the data to train on (and to cut folds or a hold-out set from)"),
        .option("folds", .integer(2...1000), help: "k-fold cross-validation: each configuration is trained k times, scored on each fold in turn"),
        .option("validate", CommonParameters.dataset, help: "score on this dataset, training on all of data"),
        .option("holdout", .numberIn(0.01...0.99), help: "hold out this fraction of data to score on (the default, 0.2, when neither folds nor validate is given)"),
        .option("repeats", .integer(1...1000), default: .number(1), help: "runs per configuration with seeds seed, seed+1, ... (new folds or hold-out set each); the table gives mean and std"),
        .option("score", .column, help: "the field of eval compared: mse (default for regression), accuracy (default for classes), log10_mse, loss, r2, error, true_mse, ..."),
        .option("seed", .integer(0...Int(Int32.max)), help: "the first run's seed (weights, shuffling, folds); default: drawn from the session's generator"),
        .flag("quiet", help: "print nothing while searching"),
        .keywords("options", help: "train options: a list (lr=[1e-3, 1e-2]) is searched over, a single value (epochs=50) applies to every configuration"),
    ]

    /// Options of `train` that the search sets itself.
    static let reserved: Set<String> = ["net", "data", "seed", "quiet", "validate"]
    /// Scores where larger is better; every other one is an error or a loss.
    static let largerIsBetter: Set<String> = ["accuracy", "r2", "f1", "macro_f1", "precision", "recall"]

    struct Split {
        let train: DatasetObject
        let test: DatasetObject
    }

    /// One configuration: its settings, and per run (repeat-major, then split) the network
    /// trained so far and its latest score.
    final class Trial {
        let index: Int
        let settings: [(name: String, value: Value)]
        var networks: [NetworkObject] = []
        var scores: [Double] = []
        var epochs = 0
        init(index: Int, settings: [(name: String, value: Value)]) {
            self.index = index
            self.settings = settings
        }
        var mean: Double { scores.reduce(0, +) / Double(max(1, scores.count)) }
        /// The sample standard deviation of the runs' scores (0 for one run).
        var standardDeviation: Double {
            guard scores.count > 1 else { return 0 }
            let m = mean
            return (scores.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(scores.count - 1)).squareRoot()
        }
        var label: String { SearchSpace.label(settings) }
    }

    let shell: Interpreter
    let template: NetworkObject
    let space: SearchSpace
    /// Per repeat: its seed and its splits.
    let repeats: [(seed: Int, splits: [Split])]
    let score: String
    let largerIsBetter: Bool
    let quiet: Bool
    /// How the runs are scored, for the header line: "5-fold cross-validation".
    let scheme: String

    init(_ a: Arguments, _ shell: Interpreter) throws(CommandError) {
        self.shell = shell
        template = try a.network("net")
        guard !template.network.layerDescriptions.isEmpty else {
            throw CommandError("the network has no layers yet (add \(argumentText(a, "net")) dense 10 relu)", parameter: "net")
        }
        let data = try a.dataset("data")
        for (key, _) in a.keywords where Search.reserved.contains(key) {
            throw CommandError("\(key): set by the search itself", parameter: key)
        }
        let trainParameters = TrainCommand.parameters
        space = try SearchSpace(options: a.keywords) { key in
            guard let p = trainParameters.first(where: { $0.name == key }) else { return false }
            if case .list = p.type { return true }
            if case .oneOf(let ts) = p.type { return ts.contains { if case .list = $0 { true } else { false } } }
            return false
        }
        let given = ["folds", "validate", "holdout"].filter { a.has($0) }
        guard given.count <= 1 else {
            throw CommandError("give one of folds=, validate= and holdout=, not \(given.joined(separator: " and "))", parameter: given[1])
        }
        let base = try a.optionalInt("seed") ?? shell.generator.nextInt(below: 1_000_000)
        let count = try a.int("repeats")
        var repeats: [(seed: Int, splits: [Split])] = []
        for r in 0..<count {
            let seed = base + r
            var g = RandomGenerator(seed: UInt64(seed))
            var splits: [Split] = []
            do {
                if let k = try a.optionalInt("folds") {
                    splits = try data.dataset.folds(k, using: &g).map {
                        Split(train: DatasetObject($0.train, scaling: data.scaling), test: DatasetObject($0.test, scaling: data.scaling))
                    }
                } else if let v = try a.optionalObject("validate", as: DatasetObject.self) {
                    splits = [Split(train: data, test: v)]
                } else {
                    let fraction = try a.optionalNumber("holdout") ?? 0.2
                    let parts = try data.dataset.split(trainFraction: 1 - fraction, using: &g)
                    splits = [Split(train: DatasetObject(parts.train, scaling: data.scaling),
                                    test: DatasetObject(parts.test, scaling: data.scaling))]
                }
            } catch {
                throw CommandError(error, parameter: given.first ?? "data")
            }
            repeats.append((seed, splits))
        }
        self.repeats = repeats
        if let k = try a.optionalInt("folds") {
            scheme = "\(k)-fold cross-validation"
        } else if a.has("validate") {
            scheme = "scored on the validation set"
        } else {
            scheme = "scored on a \(Format.apply(".0%", to: .number(try a.optionalNumber("holdout") ?? 0.2))) hold-out set"
        }
        score = try a.optionalString("score") ?? (data.dataset.isClassification ? "accuracy" : "mse")
        largerIsBetter = Search.largerIsBetter.contains(score) || score.hasPrefix("top")
        quiet = a.bool("quiet")
        // Check every configuration's options against train before anything trains.
        for i in 0..<space.count {
            _ = try shell.bindValues(trainOptions(space.configuration(i), net: template, data: data, seed: 0, epochs: nil),
                                     to: TrainCommand.self)
        }
    }

    var runsPerConfiguration: Int { repeats.reduce(0) { $0 + $1.splits.count } }

    /// "16 configurations × 5 runs (5-fold cross-validation), scored by mse".
    var header: String {
        let n = space.count, runs = runsPerConfiguration
        return "\(n) configuration\(n == 1 ? "" : "s") × \(runs) run\(runs == 1 ? "" : "s") (\(scheme)"
            + (repeats.count > 1 ? ", \(repeats.count) repeats" : "") + "), scored by \(score)"
    }

    /// True when `a` is a better score than `b`.
    func isBetter(_ a: Double, than b: Double) -> Bool {
        if b.isNaN { return !a.isNaN }
        if a.isNaN { return false }
        return largerIsBetter ? a > b : a < b
    }

    /// A trial of configuration `index` with fresh networks, one per run.
    func makeTrial(_ index: Int) -> Trial {
        let t = Trial(index: index, settings: space.configuration(index))
        for r in repeats {
            for _ in r.splits {
                var g = RandomGenerator(seed: UInt64(r.seed))
                let net = NetworkObject(template.network.freshCopy(generator: &g))
                net.log = template.log
                t.networks.append(net)
            }
        }
        return t
    }

    /// Trains every run of `trial` (for `epochs` more epochs when given, else the options'
    /// epochs) and scores it. Returns false when Ctrl-C stopped it (the trial is then
    /// incomplete and should be dropped).
    func trainAndScore(_ trial: Trial, epochs: Int? = nil) throws(CommandError) -> Bool {
        // Every configuration on the session's thread count, not on the CPUs free when each
        // starts (`set threads auto`): a sweep's table must not depend on the load.
        let threads = shell.threads
        shell.threads = shell.trainingThreads
        defer { shell.threads = threads }
        var scores: [Double] = []
        var run = 0
        for r in repeats {
            for split in r.splits {
                if shell.isInterrupted() { return false }
                let net = trial.networks[run]
                let options = trainOptions(trial.settings, net: net, data: split.train, seed: r.seed, epochs: epochs)
                do {
                    _ = try TrainCommand.run(try shell.bindValues(options, to: TrainCommand.self), shell)
                } catch {
                    if shell.isInterrupted() { return false }
                    throw error
                }
                do {
                    scores.append(try evaluate(net, on: split.test))
                } catch {
                    if shell.isInterrupted() { return false }
                    throw error
                }
                run += 1
            }
        }
        trial.scores = scores
        trial.epochs = trial.networks.first?.network.history.epochs.count ?? 0
        return true
    }

    /// `train`'s options for one run: the fixed options, then the configuration's.
    private func trainOptions(_ settings: [(name: String, value: Value)], net: NetworkObject, data: DatasetObject,
                              seed: Int, epochs: Int?) -> [(String, Value)] {
        var options: [(String, Value)] = [("net", .object(net)), ("data", .object(data)),
                                          ("seed", .number(Double(seed))), ("quiet", .bool(true))]
        for (k, v) in space.fixed + settings where !(epochs != nil && k == "epochs") { options.append((k, v)) }
        if let epochs { options.append(("epochs", .number(Double(epochs)))) }
        return options
    }

    /// The `score` field of `eval net data`.
    private func evaluate(_ net: NetworkObject, on data: DatasetObject) throws(CommandError) -> Double {
        let result = try EvalCommand.run(try shell.bindValues([("net", .object(net)), ("data", .object(data))], to: EvalCommand.self), shell)
        guard case .record(let record) = result else { throw CommandError("eval gave no record") }
        guard case .number(let x)? = record[score] else {
            let numeric = record.fields.filter { if case .number = $0.value { true } else { false } }.map(\.name)
            throw CommandError("score: eval gives no number '\(score)' here; it gives: \(numeric.joined(separator: ", "))"
                               + Suggest.didYouMean(score, among: numeric), parameter: "score")
        }
        return x
    }

    /// The row a trial adds to a results table: its settings, then `<score>` (the mean over the
    /// runs) and, with more than one run, `<score>_std`.
    func row(_ t: Trial) -> [(String, Value)] {
        var row: [(String, Value)] = t.settings.map { ($0.name, $0.value) }
        row.append((score, .number(t.mean)))
        if t.scores.count > 1 { row.append((score + "_std", .number(t.standardDeviation))) }
        return row
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = (ContinuousClock.now - start).components
        return Double(d.seconds) + Double(d.attoseconds) / 1e18
    }

    /// "mse 0.01234 ± 0.001234" (no ± for one run).
    func figure(_ t: Trial) -> String {
        "\(score) " + EpochLine.figure(t.mean) + (t.scores.count > 1 ? " ± " + EpochLine.figure(t.standardDeviation) : "")
    }
}
