import Engine
import Plots

/// gradcheck's live line on a terminal that can redraw one (`Interpreter.canRedrawLine`),
/// redrawn at most ten times a second and fitted to the width: the count always, then the
/// bar, then the ETA as room allows.
///
///     gradcheck ████████████········ 1234/2110 parameters  ETA 12s
final class CheckProgress {
    let shell: Interpreter
    private let live: Bool
    private let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now
    private var drawn = false

    init(shell: Interpreter) {
        self.shell = shell
        self.live = shell.canRedrawLine
    }

    func draw(_ p: GradientCheckProgress) {
        guard live else { return }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(100) else { return }
        lastDraw = now
        let fraction = Double(p.checked) / Double(max(1, p.toCheck))
        let seconds = Search.seconds(since: start)
        let eta = "ETA " + EpochLine.duration(seconds / max(fraction, 1e-9) - seconds)
        let count = "\(p.checked)/\(p.toCheck) parameters"
        let width = shell.columns - 1   // one column spare, as train's line
        let choices = [
            "gradcheck " + ProgressLine.bar(fraction, width: ProgressLine.fullBar) + " " + count + "  " + eta,
            "gradcheck " + ProgressLine.bar(fraction, width: ProgressLine.fullBar) + " " + count,
            "gradcheck " + ProgressLine.bar(fraction, width: ProgressLine.shortBar) + " " + count,
            "gradcheck " + count,
            count,
        ]
        let text = choices.first { $0.displayWidth <= width } ?? count.prefix(fittingWidth: max(0, width))
        shell.output("\r\u{1B}[2K" + text)
        drawn = true
    }

    /// Clears the line, so the report (or the notice) starts on a clean one.
    func erase() {
        if drawn { shell.output("\r\u{1B}[2K") }
        drawn = false
    }
}
