import Foundation

/// How a file name written in a command becomes the path that is opened.
extension Interpreter {
    /// `~` and `~/...` become the home folder ($HOME). A relative file that is read and is not
    /// found from the current folder is looked for beside the running script, so a script finds
    /// its own files wherever it is started from (`nnsh /elsewhere/Scripts/mnist.nnsh`). Files
    /// that are written are taken as given.
    func filePath(_ path: String, written: Bool) -> String {
        let expanded = Self.expandingTilde(path)
        guard !written, !expanded.hasPrefix("/"), !expanded.isEmpty,
              !FileManager.default.fileExists(atPath: expanded),
              let script = runStack.last else { return expanded }
        let beside = (script as NSString).deletingLastPathComponent
        guard !beside.isEmpty else { return expanded }
        let candidate = (beside as NSString).appendingPathComponent(expanded)
        return FileManager.default.fileExists(atPath: candidate) ? candidate : expanded
    }

    /// `~` → $HOME, `~/x` → $HOME/x; anything else (`~user`, `a~b`) as written.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
