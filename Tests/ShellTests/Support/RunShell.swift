import Foundation
@testable import Shell

/// Runs `source` in a fresh (or given) session and returns what it printed and how it ended.
struct ShellRun {
    var output: String
    var result: ExecutionResult

    var error: ShellError? {
        if case .error(let e) = result { return e }
        return nil
    }
    var succeeded: Bool {
        if case .ok = result { return true }
        return false
    }
}

final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
    func take() -> String { lock.lock(); defer { text = ""; lock.unlock() }; return text }
}

func makeSession() -> (Session, OutputCollector) {
    let collector = OutputCollector()
    let session = Session(output: { collector.append($0) })
    return (session, collector)
}

@discardableResult
func runShell(_ source: String, file: String = "test.nnsh", in session: (Session, OutputCollector)? = nil) -> ShellRun {
    let (s, out) = session ?? makeSession()
    let result = s.execute(source, file: file)
    return ShellRun(output: out.take(), result: result)
}
