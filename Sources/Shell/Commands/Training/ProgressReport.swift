import Data
import Engine
import Plots

/// What `train` prints: on a terminal that can redraw a line (`Interpreter.canRedrawLine`: not a
/// pipe, not `TERM=dumb`) a live line redrawn a few times a second, fitted to the terminal's
/// width at every redraw, then the epoch's summary line; otherwise just the summary lines.
/// `every=N` prints the summary of every Nth epoch and of the last; `verbose=2` draws no live
/// line (as Keras's `verbose=2`); `quiet` (`verbose=0`) prints nothing.
final class ProgressReport {
    let shell: Interpreter
    let quiet: Bool
    let epochs: Int
    let context: TrainingContext
    /// A schedule is on: each epoch's line shows its learning rate.
    let scheduled: Bool
    /// The live line is drawn (decided once per run).
    private let live: Bool
    private var lastDraw = ContinuousClock.now
    private var lineOpen = false
    private var epochInRun = 1
    /// History epoch number minus epoch-in-run, for naming epochs by the run's count.
    private var offset = 0
    /// Epoch (in the history), batch and batches per epoch of the last batch done.
    private(set) var lastPosition = (0, 0, 0)

    init(shell: Interpreter, quiet: Bool, epochs: Int, context: TrainingContext, scheduled: Bool) {
        self.shell = shell
        self.quiet = quiet
        self.epochs = epochs
        self.context = context
        self.scheduled = scheduled
        self.live = shell.canRedrawLine && context.liveLine
    }

    func batch(_ p: TrainingProgress) {
        epochInRun = p.epochInRun
        offset = p.epoch - p.epochInRun
        lastPosition = (p.epoch, p.batch, p.batchesPerEpoch)
        guard !quiet, live else { return }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(100) || p.batch == p.batchesPerEpoch else { return }
        lastDraw = now
        let eta = p.samplesPerSecond > 0 ? Double(p.samplesPerEpoch - p.samplesSeen) / p.samplesPerSecond : 0
        let line = ProgressLine(
            epoch: "epoch \(p.epochInRun)/\(epochs)",
            fraction: Double(p.samplesSeen) / Double(max(1, p.samplesPerEpoch)),
            batch: "\(p.batch)/\(p.batchesPerEpoch)",
            loss: "loss " + EpochLine.figure(p.runningLoss),
            metric: EpochLine.metric(p.metric, p.runningMetric),
            rate: EpochLine.rate(p.samplesPerSecond) + " samples/s",
            eta: "ETA " + EpochLine.duration(eta))
        // One column spare: a line that fills the last column leaves some terminals' cursor on
        // the next row, and the next redraw would start there.
        shell.output("\r\u{1B}[2K" + line.text(width: shell.columns - 1))
        lineOpen = true
    }

    func epochDone(_ r: EpochRecord) {
        offset = r.epoch - epochInRun
        context.log?.append(r)
        guard !quiet else { return }
        let shown = epochInRun % context.every == 0 || epochInRun == epochs || !r.complete
        guard shown else {
            if lineOpen { shell.output("\r\u{1B}[2K") }
            lineOpen = false
            return
        }
        let line = EpochLine.text(r, label: "epoch \(epochInRun)/\(epochs)",
                                  validation: context.onTestSet ? "test_" : "val_",
                                  learningRate: scheduled ? r.learningRate : nil,
                                  inAll: r.epoch != epochInRun ? r.epoch : nil,
                                  width: shell.isTerminal ? shell.columns - 1 : nil)
        shell.output((lineOpen ? "\r\u{1B}[2K" : "") + line + "\n")
        lineOpen = false
    }

    /// "epoch 3 of 20", "epoch 3 of 20 (epoch 23 in all)" in a later run: where a pause fell.
    func pausePlace(_ epoch: Int) -> String {
        "epoch \(epoch - offset) of \(epochs)" + (offset == 0 ? "" : " (epoch \(epoch) in all)")
    }

    /// "28" for history epoch 28 in the first run, "28 (32 in all)" in a later one.
    func runEpoch(_ epoch: Int) -> String {
        offset == 0 ? String(epoch) : "\(epoch - offset) (\(epoch) in all)"
    }

    func finishLine() {
        if lineOpen { shell.output("\n"); lineOpen = false }
    }
}

/// The live line of a batch, fitted to a width: the epoch and the loss always; the rest leaves
/// in this order as the terminal narrows (as tqdm and Keras shorten theirs): samples/s, the
/// ETA, half the bar, the batch count, the bar, the metric.
///
///     epoch 3/100 ████████████········ 24/40  loss 0.1234  mse 0.1234  12,345 samples/s  ETA 0.42s
struct ProgressLine {
    var epoch: String
    var fraction: Double
    var batch: String
    var loss: String
    var metric: String
    var rate: String
    var eta: String

    static let fullBar = 20, shortBar = 10

    func text(width: Int) -> String {
        let choices: [(bar: Int, batch: Bool, metric: Bool, eta: Bool, rate: Bool)] = [
            (Self.fullBar, true, true, true, true),
            (Self.fullBar, true, true, true, false),
            (Self.fullBar, true, true, false, false),
            (Self.shortBar, true, true, false, false),
            (Self.shortBar, false, true, false, false),
            (0, false, true, false, false),
            (0, false, false, false, false),
        ]
        var line = ""
        for c in choices {
            var head = epoch
            if c.bar > 0 { head += " " + Self.bar(fraction, width: c.bar) }
            if c.batch { head += " " + batch }
            var parts = [head, loss]
            if c.metric { parts.append(metric) }
            if c.eta { parts.append(eta) }
            if c.rate { parts.insert(rate, at: parts.count - (c.eta ? 1 : 0)) }
            line = parts.joined(separator: "  ")
            if line.displayWidth <= width { return line }
        }
        return line.prefix(fittingWidth: max(0, width))
    }

    /// `width` cells, the first `fraction` of them filled: "████████····".
    static func bar(_ fraction: Double, width: Int) -> String {
        let filled = min(width, max(0, Int(fraction * Double(width))))
        return String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    }
}
