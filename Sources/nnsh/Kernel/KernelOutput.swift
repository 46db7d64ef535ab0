import Foundation

/// Turns what a cell prints into the kernel's messages: text as `stream` messages, pictures as
/// `display` messages with an SVG, and the training progress line, which a terminal redraws
/// in place (`\r`, erase line, text), as one display updated in place.
final class KernelOutput {
    static let redraw = "\r\u{1B}[2K"

    let channel: KernelChannel
    /// The request whose output this is.
    private var id: String?
    /// The display showing the progress line, while the line is being redrawn.
    private var progressDisplay: String?
    private var displays = 0

    init(channel: KernelChannel) { self.channel = channel }

    func begin(_ id: String?) {
        self.id = id
        progressDisplay = nil
    }

    func end() { closeProgress() }

    /// Text the session printed.
    func write(_ text: String) {
        guard text.hasPrefix(Self.redraw) else {
            if text == "\n", progressDisplay != nil {   // the line is finished: it stays as it is
                closeProgress()
                return
            }
            closeProgress()
            channel.stream(text, id: id)
            return
        }
        // A redraw: the line is replaced, by a live line or by an epoch's summary ending in "\n",
        // or erased (gradcheck's line when the check ends): the display then shows nothing, as
        // the terminal would (a display stays in the notebook; it can only be emptied).
        var line = String(text.dropFirst(Self.redraw.count))
        if line.hasSuffix("\n") { line.removeLast() }
        guard !line.isEmpty || progressDisplay != nil else { return }
        let update = progressDisplay != nil
        let displayID = progressDisplay ?? newDisplay()
        progressDisplay = displayID
        channel.display(["text/plain": line], displayID: displayID, update: update, id: id)
    }

    /// A view's picture: its SVG, with its terminal text for front ends that cannot show SVG.
    func picture(text: String, svg: String) {
        closeProgress()
        var data = ["image/svg+xml": svg]
        data["text/plain"] = text.isEmpty ? "(an SVG picture)" : text
        channel.display(data, displayID: newDisplay(), update: false, id: id)
    }

    /// `clear`: the cell's output so far is cleared.
    func clear() {
        closeProgress()
        channel.send("clear", id: id, [:])
    }

    /// Later redraws start a new display (the progress line of the next training).
    func closeProgress() { progressDisplay = nil }

    private func newDisplay() -> String {
        displays += 1
        return "nnsh-\(getpid())-\(displays)"
    }
}
