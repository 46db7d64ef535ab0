import Data
import Engine

/// `train net data epochs=5 ...`: mini-batch training with one line per epoch, validation
/// (a dataset or a held-out fraction), learning-rate schedules, early stopping and pausing.
struct TrainCommand: Command {
    static let name = "train"
    static let group = CommandGroup.training
    static let summary = "Train a network on a dataset (one line per epoch; Ctrl-C pauses, resume goes on)."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("data", CommonParameters.dataset, help: "the training data"),
        .option("epochs", .integer(0...1_000_000), default: .number(10), help: "passes over the data"),
        .option("batch", .integer(1...100_000_000), default: .number(32), help: "examples per step"),
        .option("optimizer", .cases(OptimizerKind.self), default: .string(OptimizerSettings.adam.kind.rawValue),
                help: alternatives(OptimizerKind.allCases.map(\.rawValue))),
        .option("lr", .numberIn(0...1e6), help: "learning rate (default: \(defaultRates)); the first epoch's rate under a schedule"),
        .option("momentum", .numberIn(0...0.999999), help: "momentum μ for momentum and nesterov (default \(formatNumber(OptimizerSettings.defaultMomentum)))"),
        .option("rho", .numberIn(0...0.999999), help: "RMSprop's decay ρ (default \(formatNumber(OptimizerSettings.defaultRho)))"),
        .option("l1", .numberIn(0...1e6), default: .number(0), help: "L1 penalty: adds l1·Σ|w| (weights only) to the batch's mean loss; gradient + l1·sign(w)"),
        .option("l2", .numberIn(0...1e6), default: .number(0), help: "L2 penalty: adds (l2/2)·Σw² (weights only) to the batch's mean loss; gradient + l2·w"),
        .option("l1_paper", .numberIn(0...1e6), help: "the first paper's L1 λ in λ/(2n)·Σ|w|, n = batch: the same as l1=λ/(2·batch)"),
        .option("l2_paper", .numberIn(0...1e6), help: "the first paper's L2 λ in λ/(2n)·Σw², n = batch: the same as l2=λ/batch"),
        .option("cost", .cases(Cost.self), help: "\(alternatives(Cost.allCases.map(\.rawValue))) (default: cross_entropy after softmax, else mse)"),
        .option("schedule", .cases(LearningRateSchedule.Kind.self), default: .string(LearningRateSchedule.constant.name),
                help: "learning rate per epoch: \(LearningRateSchedule.Kind.allCases.map(scheduleHelp).joined(separator: ", "))"),
        .option("step_every", .integer(1...1_000_000), default: .number(10), help: "epochs between the step schedule's steps"),
        .option("gamma", .numberIn(1e-9...1e3),
                help: "the step and exp schedules' factor (default \(formatNumber(LearningRateSchedule.defaultStepGamma)) for step, \(formatNumber(LearningRateSchedule.defaultExponentialGamma)) for exp)"),
        .option("lr_min", .numberIn(0...1e6), default: .number(0), help: "the cosine schedule's last rate"),
        .option("validate", CommonParameters.dataset, help: "a dataset scored after every epoch (val_loss, val_accuracy)"),
        .option("holdout", .numberIn(0...1), help: "hold out this fraction of the data for validation instead (split by seed=, else the session's seed: the same every run)"),
        .option("patience", .integer(1...1_000_000), help: "early stopping: stop after this many epochs without val_loss improving"),
        .option("min_delta", .numberIn(0...1e6), default: .number(0), help: "the smallest val_loss decrease that counts as improving"),
        .option("restore_best", .bool, help: "at the end put back the best epoch's weights and optimiser state (default true with patience or keep_best)"),
        .option("keep_best", CommonParameters.dataset, help: "score every epoch on this set (the papers' test set) and keep the best epoch's weights and optimiser state; reported as selection on the TEST set"),
        .option("shuffle", .bool, default: .bool(true), help: "reshuffle the examples every epoch"),
        .option("every", .integer(1...1_000_000), default: .number(1), help: "print the line of every Nth epoch only (and of the last)"),
        .option("log", .path, help: "a folder for TensorBoard event files (made when missing): loss, accuracy or mse, their val_ forms and lr per epoch; tensorboard --logdir shows them").writing(),
        .option("verbose", .integer(0...2), default: .number(1), help: "0 prints nothing, 1 a live line on a terminal and a line per epoch, 2 a line per epoch only (as Keras)"),
        .flag("quiet", help: "print nothing (verbose=0)"),
        CommonParameters.seed,
    ]
    static let example = """
        r = runge n=100 noise=0.05 seed=1
        net = network 1
        add net dense 20 tanh
        add net dense 1 linear
        train net r epochs=3 batch=10 optimizer=adam lr=0.01
        train net r epochs=20 holdout=0.2 patience=3 schedule=cosine lr=0.01 lr_min=0.001 quiet
        train net r epochs=100 batch=10 every=25
        """
    static let details = """
        Penalties (weights only, never biases), on the batch's mean loss L:

            L + l1·Σ|w| + (l2/2)·Σw²   gradient + l1·sign(w) + l2·w

        So with sgd, l2 is the weight decay per step divided by lr. The first reference
        paper writes C + λ/(2n)·Σw², gradient (λ/n)·w, and C + λ/(2n)·Σ|w|, gradient
        λ/(2n)·sign(w), its C a mean over the n examples of a mini-batch: n is the batch
        size. So l2_paper=λ is l2=λ/batch and l1_paper=λ is l1=λ/(2·batch), converted
        exactly (the log and model file record the converted l1 and l2). Other papers'
        conventions: docs/LANGUAGE.md, "Penalty conventions".

        On a terminal a live line shows the batch, loss, metric, samples/s and ETA, fitted to the
        terminal's width; otherwise (a pipe, a file, TERM=dumb, verbose=2) one line per epoch
        (with the epoch's lr under a schedule); every=N prints every Nth. The history (net.history) grows
        with every epoch; training again continues from the current weights and, with the same
        optimizer, the optimizer's state.
        Ctrl-C pauses after the current batch: weights, history, optimizer state and the place in
        the epoch are kept, and `resume net` goes on exactly where it stopped (a new `train`
        starts a new run instead).
        Validation: validate=DATASET, or holdout=FRACTION of the training data (the same examples
        for the same seed). patience=N stops when val_loss has not improved by more than min_delta
        for N epochs and puts back the best epoch's weights and optimiser state (restore_best=false keeps the last).
        log=FOLDER writes a TensorBoard event file there (tensorboard --logdir FOLDER): per
        complete epoch loss, accuracy (mse for regression), val_loss and val_accuracy (val_mse)
        with validation, and lr, at the epoch's number in net.history; see docs/INTEROP.md.
        keep_best=DATASET scores each epoch on that set and keeps the epoch with the best metric
        (accuracy, or mse): what papers do with their test set; it is labelled as selection on
        the TEST set because the score it reports is optimistic.
        NaN or infinite values stop training, name the first layer they appeared in and restore
        the last good epoch's weights.
        """

    /// "0.001 for rmsprop and adam, 0.01 for sgd, …": each optimiser's default rate, from the engine.
    private static var defaultRates: String {
        let rates = Set(OptimizerKind.allCases.map(\.defaultLearningRate)).sorted()
        return rates.map { rate in
            "\(formatNumber(rate)) for \(alternatives(OptimizerKind.allCases.filter { $0.defaultLearningRate == rate }.map(\.rawValue), "and"))"
        }.joined(separator: ", ")
    }

    private static func scheduleHelp(_ kind: LearningRateSchedule.Kind) -> String {
        switch kind {
        case .constant: "constant"
        case .step: "step (× gamma every step_every epochs)"
        case .exp: "exp (× gamma every epoch)"
        case .cosine: "cosine (from lr down to lr_min in the last epoch)"
        }
    }

    /// l1= and l2=, or the first paper's l1_paper= and l2_paper= converted for the batch size
    /// (Regularization(paperL1:paperL2:batchSize:)); each pair one way or the other.
    static func regularization(_ a: Arguments, batchSize: Int) throws(CommandError) -> Regularization {
        for kind in ["l1", "l2"] where a.has(kind) && a.has(kind + "_paper") {
            throw CommandError("give either \(kind)= or \(kind)_paper= (the paper's λ, converted to \(kind)), not both",
                               parameter: kind + "_paper")
        }
        let paper = Regularization(paperL1: try a.optionalNumber("l1_paper") ?? 0,
                                   paperL2: try a.optionalNumber("l2_paper") ?? 0, batchSize: batchSize)
        return Regularization(l1: a.has("l1_paper") ? paper.l1 : try a.number("l1"),
                              l2: a.has("l2_paper") ? paper.l2 : try a.number("l2"))
    }

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let data = try a.dataset("data")
        let validation = try a.optionalObject("validate", as: DatasetObject.self)
        let keepBest = try a.optionalObject("keep_best", as: DatasetObject.self)
        var options = TrainingOptions(epochs: try a.int("epochs"), batchSize: try a.int("batch"))
        let kind = try a.choice("optimizer", as: OptimizerKind.self)
        // The engine's defaults for what is not given (help adam shows the same ones).
        options.optimizer = OptimizerSettings(kind, learningRate: try a.optionalNumber("lr"))
        if let momentum = try a.optionalNumber("momentum") { options.optimizer.momentum = momentum }
        if let rho = try a.optionalNumber("rho") { options.optimizer.rho = rho }
        options.regularization = try regularization(a, batchSize: options.batchSize)
        options.shuffle = a.bool("shuffle")
        options.skipsZeroInputs = shell.skipsZeroInputs
        // The count is the run's own from here on (a paused run resumes on it, whatever the
        // session's setting is by then); under `set threads auto` the run may take fewer.
        options.threads = shell.trainingThreads
        options.threadsFollowLoad = shell.threadsAreAutomatic
        options.schedule = try schedule(a)
        if let fraction = try a.optionalNumber("holdout") {
            options.holdout = Holdout(fraction: fraction, seed: a.seed.map { UInt64($0) } ?? shell.seed(for: net))
        }
        options.selection = try selection(a, validation: validation, keepBest: keepBest, holdout: options.holdout)
        do { try options.check(validationExamples: (keepBest ?? validation)?.dataset.count) } catch {
            if error.field == .selection && !a.has("patience") { throw CommandError(error, parameter: "keep_best") }
            throw refusal(error, netName: argumentText(a, "net"))
        }
        if let c = try a.optionalChoice("cost", as: Cost.self) {
            do { try net.network.setCost(c) } catch { throw CommandError(error, parameter: "cost") }
        }
        let verbose = try a.int("verbose")
        var log: TensorBoardLog? = nil
        if let folder = try a.optionalString("log") {
            do { log = try TensorBoardLog(folder: folder) } catch { throw CommandError(error.description, parameter: "log") }
        }
        let context = TrainingContext(data: data, validation: keepBest ?? validation, onTestSet: keepBest != nil,
                                      quiet: a.bool("quiet") || verbose == 0,
                                      liveLine: verbose == 1, every: try a.int("every"),
                                      sessionGenerator: a.seed == nil,
                                      netName: argumentText(a, "net"),
                                      validationName: keepBest != nil ? argumentText(a, "keep_best") : argumentText(a, "validate"),
                                      log: log)
        let report = ProgressReport(shell: shell, quiet: context.quiet, epochs: options.epochs, context: context,
                                    scheduled: options.schedule != .constant)
        if net.pausedTraining != nil && !context.quiet {
            shell.print("(the paused run of \(context.netName) is dropped: this is a new run)")
        }
        net.pausedTraining = nil
        let result = try shell.withGenerator(for: net, seed: a.seed) { (g) throws(CommandError) -> TrainingResult in
            try drive(net, .start(options), context, &g, report)
        }
        net.scaling = data.scaling
        net.classNames = data.dataset.classNames
        net.imageShape = data.dataset.imageShape
        net.trainingOptions = [
            ("data", describe(a, "data", data)), ("epochs", String(options.epochs)), ("batch", String(options.batchSize)),
            ("optimizer", kind.rawValue), ("lr", "\(options.optimizer.learningRate)"),
            ("l1", "\(options.regularization.l1)"), ("l2", "\(options.regularization.l2)"),
        ] + (a.seed.map { [("seed", String($0))] } ?? [])
        if options.schedule != .constant { net.trainingOptions.append(("schedule", options.schedule.name)) }
        if let h = options.holdout { net.trainingOptions.append(("holdout", "\(h.fraction)")) }
        if let p = options.selection?.patience { net.trainingOptions.append(("patience", String(p))) }
        if let k = keepBest { net.trainingOptions.append(("keep_best", describe(a, "keep_best", k))) }
        net.trainingData = data
        net.log.append("train \(written(a, "data", data)) epochs=\(options.epochs) batch=\(options.batchSize) "
                       + "optimizer=\(kind.rawValue) lr=\(options.optimizer.learningRate) "
                       + "l1=\(options.regularization.l1) l2=\(options.regularization.l2)"
                       + (options.schedule != .constant ? " schedule=\(options.schedule.name)" : "")
                       + (a.seed.map { " seed=\($0)" } ?? ""))
        // Options the lines above leave out, so provenance says everything that was chosen.
        var chosen: [(String, String)] = []
        for name in ["momentum", "rho"] where a.has(name) { chosen.append((name, "\(try a.number(name))")) }
        if let c = try a.optionalChoice("cost", as: Cost.self) { chosen.append(("cost", c.rawValue)) }
        if !options.shuffle { chosen.append(("shuffle", "false")) }
        net.trainingOptions += chosen
        if let v = validation {
            net.trainingOptions.append(("validate", describe(a, "validate", v)))
            chosen.append(("validate", written(a, "validate", v)))
        }
        if !chosen.isEmpty { net.log[net.log.count - 1] += " " + chosen.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }
        try finish(net, result, context, report)
        return .none
    }

    /// `schedule=` with its parameters.
    private static func schedule(_ a: Arguments) throws(CommandError) -> LearningRateSchedule {
        let kind = try a.choice("schedule", as: LearningRateSchedule.Kind.self)
        let uses: [(option: String, kinds: [LearningRateSchedule.Kind])] = [
            ("step_every", [.step]), ("gamma", [.step, .exp]), ("lr_min", [.cosine]),
        ]
        for (option, kinds) in uses where a.has(option) && !kinds.contains(kind) {
            throw CommandError("\(option)= belongs to schedule=\(kinds.map(\.rawValue).joined(separator: " or schedule="))",
                               parameter: option)
        }
        switch kind {
        case .step: return .step(every: try a.int("step_every"),
                                 gamma: try a.optionalNumber("gamma") ?? LearningRateSchedule.defaultStepGamma)
        case .exp: return .exponential(gamma: try a.optionalNumber("gamma") ?? LearningRateSchedule.defaultExponentialGamma)
        case .cosine: return .cosine(minimum: try a.number("lr_min"))
        case .constant: return .constant
        }
    }

    /// `patience=`, `min_delta=`, `restore_best=`, `keep_best=`.
    private static func selection(_ a: Arguments, validation: DatasetObject?, keepBest: DatasetObject?,
                                  holdout: Holdout?) throws(CommandError) -> EpochSelection? {
        let patience = try a.optionalInt("patience")
        if keepBest != nil && (validation != nil || holdout != nil) {
            throw CommandError("keep_best= scores the epochs on its own set; leave out validate= and holdout=", parameter: "keep_best")
        }
        if patience == nil && keepBest == nil {
            for option in ["min_delta", "restore_best"] where a.has(option) {
                throw CommandError("\(option)= needs patience= or keep_best=", parameter: option)
            }
            return nil
        }
        return EpochSelection(monitor: keepBest != nil ? .validationMetric : .validationLoss, patience: patience,
                              minDelta: try a.number("min_delta"),
                              restoreBest: a.has("restore_best") ? a.bool("restore_best") : true)
    }

    enum Start {
        case start(TrainingOptions)
        case resume
    }

    /// Runs (or resumes) the engine's training on `net`. For a resumed run `generator` receives
    /// the run's generator at the end.
    static func drive(_ net: NetworkObject, _ start: Start, _ context: TrainingContext,
                      _ generator: inout RandomGenerator, _ report: ProgressReport) throws(CommandError) -> TrainingResult {
        let stop = report.shell.isInterrupted   // Interrupt.isRequested: Ctrl-C
        do {
            switch start {
            case .start(let options):
                return try net.network.train(
                    on: context.data.dataset, validation: context.validation?.dataset, options: options,
                    generator: &generator, shouldStop: stop, progress: report.batch, epochEnded: report.epochDone)
            case .resume:
                let result = try net.network.resume(
                    on: context.data.dataset, validation: context.validation?.dataset,
                    shouldStop: stop, progress: report.batch, epochEnded: report.epochDone)
                generator = result.generator
                return result
            }
        } catch {
            report.finishLine()
            throw refusal(error, netName: context.netName)
        }
    }

    /// The engine's refusal of a run, in the shell's words, pointed at the argument that set
    /// the field it names (`EngineError.field`), else at the data for a shape that does not fit.
    static func refusal(_ e: EngineError, netName: String) -> CommandError {
        switch e.field {
        case .validation?: return CommandError("give either validate= or holdout=, not both", parameter: "holdout")
        case .selection?: return CommandError("patience= needs validation data: add validate=DATASET or holdout=0.1",
                                              parameter: "patience")
        case .network? where e.kind == .empty: return CommandError("\(e.message) (add \(netName) dense 10 relu)", parameter: "net")
        default:
            if e.kind == .nonFinite { return CommandError(e.message + " (a lower lr may help)") }
            return CommandError(e, parameter: e.field.flatMap(parameter(for:)) ?? (e.kind == .shapeMismatch ? "data" : nil))
        }
    }

    /// The argument of `train` that sets each field of the engine's options (nil: none does).
    static func parameter(for field: TrainingOptions.Field) -> String? {
        switch field {
        case .network: "net"
        case .epochs: "epochs"
        case .batchSize: "batch"
        case .learningRate: "lr"
        case .momentum: "momentum"
        case .rho: "rho"
        case .l1: "l1"
        case .l2: "l2"
        case .stepEvery: "step_every"
        case .gamma: "gamma"
        case .minimumRate: "lr_min"
        case .holdout, .validation: "holdout"
        case .selection, .patience: "patience"
        case .minDelta: "min_delta"
        case .threads, .beta1, .beta2, .epsilon: nil
        }
    }

    /// After a run: remember a pause (and report it as an error, so a script stops there), or
    /// report early stopping and the chosen epoch.
    static func finish(_ net: NetworkObject, _ result: TrainingResult, _ context: TrainingContext,
                       _ report: ProgressReport) throws(CommandError) {
        report.finishLine()
        if let failure = context.log?.failure {
            report.shell.print("warning: the TensorBoard log stopped: \(failure) (the training and its history are kept)")
        }
        if !result.stopped { context.log?.close() }
        if result.stopped {
            net.pausedTraining = context
            let (epoch, batch, batches) = report.lastPosition
            throw CommandError.interruption(
                "training paused by Ctrl-C in \(report.pausePlace(epoch)), after batch \(batch) of \(batches); "
                + "weights, history and optimizer state are kept: resume \(context.netName) goes on from there")
        }
        net.pausedTraining = nil
        guard !context.quiet else { return }
        if result.splittable && result.threads < result.threadsAsked {
            let asked = min(result.threadsAsked, 64)   // set threads' largest
            report.shell.print("(trained on \(counted(result.threads, "thread")), the CPUs no other program was busy on when it started; "
                               + "set threads \(asked) trains on \(asked) whatever the load)")
        }
        let monitored = context.onTestSet ? "test_\(metricName(net))" : "val_loss"
        let last = net.network.history.last?.epoch ?? 0
        if result.stoppedEarly, let best = result.bestEpoch {
            report.shell.print("early stop after epoch \(report.runEpoch(last)): \(monitored) has not improved for \(counted(last - best, "epoch"))")
        }
        guard let best = result.bestEpoch, let score = result.bestScore else { return }
        let figure = monitored.hasSuffix("accuracy") ? EpochLine.percent(score) : EpochLine.figure(score)
        let kept = result.restoredBest ? "weights restored to it"
            : best == last ? "it is the last epoch" : "the weights are the last epoch's (restore_best=false)"
        if context.onTestSet {
            report.shell.print("best epoch \(report.runEpoch(best)) chosen on the TEST set \(context.validationName) "
                               + "— optimistic: \(monitored) \(figure); \(kept)")
        } else {
            report.shell.print("best epoch \(report.runEpoch(best)): \(monitored) \(figure); \(kept)")
        }
    }

    private static func metricName(_ net: NetworkObject) -> String {
        net.network.history.last?.metric.rawValue ?? "metric"
    }
}

/// What a `train` run needs to be resumed: its data and how it reports.
struct TrainingContext {
    let data: DatasetObject
    /// validate= or keep_best= (nil with holdout=, which the engine keeps).
    let validation: DatasetObject?
    /// keep_best=: the validation set is the test set; labelled as such.
    let onTestSet: Bool
    let quiet: Bool
    /// verbose=1: a live line on a terminal (verbose=2 only prints the epochs' lines).
    var liveLine = true
    /// every=N: print the line of every Nth epoch of the run, and of the last.
    var every = 1
    /// The run draws from the session's generator (no seed=): `resume` hands it back.
    let sessionGenerator: Bool
    /// How the user wrote the network ("net"), for the hint after a pause.
    let netName: String
    /// How the user wrote the validate= or keep_best= set.
    var validationName: String = ""
    /// log=: the TensorBoard event file each complete epoch is added to (a resumed run goes on in it).
    var log: TensorBoardLog? = nil
}

/// A dataset argument as written, in parentheses when it is more than a word: `(take r 50)`.
func written(_ a: Arguments, _ name: String, _ data: DatasetObject) -> String {
    let text = argumentSource(a, name)
    if text.isEmpty { return data.dataset.name }
    return text.contains(" ") ? "(\(text))" : text
}

/// A dataset argument for provenance: the expression as written and the set's size, e.g.
/// "take data.train 5000 (5000 examples of mnist-train)" or "r (100 examples)".
func describe(_ a: Arguments, _ name: String, _ data: DatasetObject) -> String {
    let written = argumentSource(a, name)
    let count = data.dataset.count
    let size = "\(count) example\(count == 1 ? "" : "s")"
    return written.isEmpty || written == data.dataset.name ? "\(data.dataset.name) (\(size))"
        : "\(written) (\(size) of \(data.dataset.name))"
}

/// The source text of the argument `name`, its `key=` left out: from where it starts to where
/// the call's next argument starts, or to the end of the statement (a `;`, `#`, or a bracket
/// that closes one opened before it). "" when unknown.
func argumentSource(_ a: Arguments, _ name: String) -> String {
    guard let at = a.locations[name] else { return "" }
    let line = Array(at.source.line(at.line).unicodeScalars)
    var start = min(max(0, at.column - 1), line.count)
    let key = Array("\(name)=".unicodeScalars)
    if line.count >= start + key.count, Array(line[start..<(start + key.count)]) == key { start += key.count }
    let next = a.locations.values.filter { $0.line == at.line && $0.column > at.column }.map(\.column).min()
    var end = next.map { min(line.count, $0 - 1) } ?? line.count
    var depth = 0, inString = false, i = start
    while i < end {
        let c = line[i]
        if inString {
            if c == "\\" { i += 1 } else if c == "\"" { inString = false }
        } else if c == "\"" {
            inString = true
        } else if c == "(" || c == "[" || c == "{" {
            depth += 1
        } else if c == ")" || c == "]" || c == "}" {
            if depth == 0 { end = i; break }
            depth -= 1
        } else if depth == 0, c == ";" || c == "#" {
            end = i
            break
        }
        i += 1
    }
    var text = String(String.UnicodeScalarView(line[start..<max(start, end)]))
    while text.last == " " || text.last == "\t" { text.removeLast() }
    if text.hasPrefix("("), text.hasSuffix(")") { text = String(text.dropFirst().dropLast()) }
    return text
}

/// The text of the argument `name` as written (a variable name; for `key=value` the value's),
/// or `name` itself.
func argumentText(_ a: Arguments, _ name: String) -> String {
    guard let at = a.locations[name] else { return name }
    let line = Array(at.source.line(at.line).unicodeScalars)
    func word(from start: Int) -> (String, Int) {
        var w = "", i = start
        while i >= 0, i < line.count, line[i].properties.isAlphabetic || line[i] == "_" || ("0"..."9").contains(line[i]) {
            w.unicodeScalars.append(line[i])
            i += 1
        }
        return (w, i)
    }
    var (text, end) = word(from: at.column - 1)
    if text == name, end < line.count, line[end] == "=" { (text, end) = word(from: end + 1) }
    return text.isEmpty ? name : text
}
