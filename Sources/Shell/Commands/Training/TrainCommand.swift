import Data
import Engine

/// `train net data epochs=5 ...`: mini-batch training with one line per epoch.
struct TrainCommand: Command {
    static let name = "train"
    static let group = CommandGroup.training
    static let summary = "Train a network on a dataset (one line per epoch; Ctrl-C stops after the current batch)."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("data", CommonParameters.dataset, help: "the training data"),
        .option("epochs", .integer(0...1_000_000), default: .number(10), help: "passes over the data"),
        .option("batch", .integer(1...100_000_000), default: .number(32), help: "examples per step"),
        .option("optimizer", .word(OptimizerKind.allCases.map(\.rawValue)), default: .string("adam"), help: "gd, sgd, momentum, nesterov, adagrad, rmsprop or adam"),
        .option("lr", .numberIn(0...1e6), help: "learning rate (default: 0.001 for adam and rmsprop, 0.01 for sgd, momentum, nesterov, adagrad, 0.1 for gd)"),
        .option("momentum", .numberIn(0...0.999999), help: "momentum μ for momentum and nesterov (default 0.9)"),
        .option("rho", .numberIn(0...0.999999), help: "RMSprop's decay ρ (default 0.9)"),
        .option("l1", .numberIn(0...1e6), default: .number(0), help: "L1 penalty λ₁ Σ|w|"),
        .option("l2", .numberIn(0...1e6), default: .number(0), help: "L2 penalty λ₂ Σw²"),
        .option("cost", .word(Cost.allCases.map(\.rawValue)), help: "mse, cross_entropy or binary_cross_entropy (default: cross_entropy after softmax, else mse)"),
        .option("validate", CommonParameters.dataset, help: "a dataset scored after every epoch (val_loss, val_accuracy)"),
        .option("shuffle", .bool, default: .bool(true), help: "reshuffle the examples every epoch"),
        .flag("quiet", help: "print nothing"),
        CommonParameters.seed,
    ]
    static let example = """
        r = runge n=100 noise=0.05 seed=1
        net = network 1
        add net dense 20 tanh
        add net dense 1 linear
        train net r epochs=3 batch=10 optimizer=adam lr=0.01
        """
    static let details = """
        On a terminal a live line shows the batch, loss, metric, samples/s and ETA; otherwise one
        line per epoch. The history (net.history) grows with every epoch; training again continues
        from the current weights and, with the same optimizer settings, the optimizer's state.
        Ctrl-C stops after the current batch, keeps weights and history, and returns to the prompt.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let data = try a.dataset("data")
        let validation = try a.optionalObject("validate", as: DatasetObject.self)
        guard !net.network.layers.isEmpty else {
            throw CommandError("the network has no layers yet (add net dense 10 relu)", parameter: "net")
        }
        var options = TrainingOptions(epochs: try a.int("epochs"), batchSize: try a.int("batch"))
        let kind = OptimizerKind(rawValue: try a.string("optimizer")) ?? .adam
        options.optimizer = OptimizerSettings(kind, learningRate: try a.optionalNumber("lr"),
                                              momentum: try a.optionalNumber("momentum") ?? 0.9,
                                              rho: try a.optionalNumber("rho") ?? 0.9)
        options.regularization = Regularization(l1: try a.number("l1"), l2: try a.number("l2"))
        options.shuffle = a.bool("shuffle")
        if let why = options.problem { throw CommandError(why) }
        if let c = try a.optionalString("cost") {
            do { try net.network.setCost(Cost(rawValue: c)) } catch { throw CommandError(error, parameter: "cost") }
        }
        let report = ProgressReport(shell: shell, quiet: a.bool("quiet"), epochs: options.epochs)
        let outcome: EpochRun
        do {
            outcome = try shell.withGenerator(seed: a.seed) { (g) throws(CommandError) in
                do {
                    switch net.network {
                    case .float(let n):
                        return try runEpochs(Trainer(network: n, options: with1Epoch(options)), options.epochs,
                                             data.dataset, validation?.dataset, &g, report)
                    case .double(let n):
                        return try runEpochs(Trainer(network: n, options: with1Epoch(options)), options.epochs,
                                             data.dataset, validation?.dataset, &g, report)
                    }
                } catch {
                    report.finishLine()
                    throw CommandError(error, parameter: (error as? EngineError)?.kind == .shapeMismatch ? "data" : nil)
                }
            }
        }
        net.scaling = data.scaling
        net.classNames = data.dataset.classNames
        net.imageShape = data.dataset.imageShape
        net.trainingOptions = [
            ("data", data.dataset.name), ("epochs", String(options.epochs)), ("batch", String(options.batchSize)),
            ("optimizer", kind.rawValue), ("lr", "\(options.optimizer.learningRate)"),
            ("l1", "\(options.regularization.l1)"), ("l2", "\(options.regularization.l2)"),
        ] + (a.seed.map { [("seed", String($0))] } ?? [])
        net.trainingData = data
        net.log.append("train \(data.dataset.name) epochs=\(options.epochs) batch=\(options.batchSize) "
                       + "optimizer=\(kind.rawValue) lr=\(options.optimizer.learningRate) "
                       + "l1=\(options.regularization.l1) l2=\(options.regularization.l2)"
                       + (a.seed.map { " seed=\($0)" } ?? ""))
        if let stopped = outcome.stoppedAt {
            throw CommandError("training stopped by Ctrl-C in epoch \(stopped.epoch) after batch \(stopped.batch) of \(stopped.batches); the weights and history are kept")
        }
        return .none
    }

    private static func with1Epoch(_ options: TrainingOptions) -> TrainingOptions {
        var o = options
        o.epochs = 1
        return o
    }

    struct EpochRun {
        var stoppedAt: (epoch: Int, batch: Int, batches: Int)?
    }

    /// Runs `epochs` one-epoch calls of the same trainer: the trainer keeps its example order
    /// and the network its optimiser state between calls, so this trains exactly like one call
    /// of `epochs` epochs, while each epoch's line (with validation) prints as soon as it ends.
    private static func runEpochs<T: Scalar>(
        _ trainer: Trainer<T>, _ epochs: Int, _ data: Dataset, _ validation: Dataset?,
        _ generator: inout RandomGenerator, _ report: ProgressReport
    ) throws(EngineError) -> EpochRun {
        var lastProgress: TrainingProgress?
        for e in 0..<epochs {
            let result = try trainer.train(
                on: data, validation: validation, generator: &generator,
                shouldStop: report.shell.isInterrupted,   // Interrupt.isRequested: Ctrl-C
                progress: { p in lastProgress = p; report.batch(p, epochInRun: e + 1) })
            for record in result.epochs { report.epochDone(record, epochInRun: e + 1) }
            if result.stopped {
                let p = lastProgress
                return EpochRun(stoppedAt: (p?.epoch ?? 0, p?.batch ?? 0, p?.batchesPerEpoch ?? 0))
            }
        }
        return EpochRun(stoppedAt: nil)
    }
}

/// What `train` prints: on a terminal a live line redrawn a few times a second, ending as the
/// epoch's summary line; otherwise just the summary line of each epoch.
final class ProgressReport {
    let shell: Interpreter
    let quiet: Bool
    let epochs: Int
    private var lastDraw = ContinuousClock.now
    private var lineOpen = false

    init(shell: Interpreter, quiet: Bool, epochs: Int) {
        self.shell = shell
        self.quiet = quiet
        self.epochs = epochs
    }

    func batch(_ p: TrainingProgress, epochInRun: Int) {
        guard !quiet, shell.isTerminal else { return }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(100) || p.batch == p.batchesPerEpoch else { return }
        lastDraw = now
        let fraction = Double(p.samplesSeen) / Double(max(1, p.samplesPerEpoch))
        let width = 20, filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = p.samplesPerSecond > 0 ? Double(p.samplesPerEpoch - p.samplesSeen) / p.samplesPerSecond : 0
        let text = "epoch \(epochInRun)/\(epochs) \(bar) \(p.batch)/\(p.batchesPerEpoch)"
            + "  loss " + EpochLine.figure(p.runningLoss) + "  " + EpochLine.metric(p.metric, p.runningMetric)
            + "  " + EpochLine.rate(p.samplesPerSecond) + " samples/s  ETA " + EpochLine.duration(eta)
        shell.output("\r\u{1B}[2K" + text)
        lineOpen = true
    }

    func epochDone(_ r: EpochRecord, epochInRun: Int) {
        guard !quiet else { return }
        var line = EpochLine.text(r)
        if let space = line.firstIndex(of: " "), let end = line[space...].dropFirst().firstIndex(of: " ") {
            line = "epoch \(epochInRun)/\(epochs)" + line[end...]
        }
        if r.epoch != epochInRun { line += "  (epoch \(r.epoch) in all)" }
        shell.output((lineOpen ? "\r\u{1B}[2K" : "") + line + "\n")
        lineOpen = false
    }

    func finishLine() {
        if lineOpen { shell.output("\n"); lineOpen = false }
    }
}
