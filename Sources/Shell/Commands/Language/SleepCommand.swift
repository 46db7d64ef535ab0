import Foundation

/// `sleep 0.5`: waits, in steps of 10 ms so Ctrl-C stops it at once.
struct SleepCommand: Command {
    static let name = "sleep"
    static let group = CommandGroup.language
    static let summary = "Wait for a number of seconds (Ctrl-C stops it)."
    static let parameters: [Parameter] = [
        .positional("seconds", .numberIn(0...86_400), help: "how long, up to a day"),
    ]
    static let example = """
        sleep 0.01
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let end = ContinuousClock.now + .milliseconds(Int64((try a.number("seconds") * 1000).rounded()))
        while ContinuousClock.now < end {
            if shell.isInterrupted() { throw CommandError.interruption() }
            let left = end - ContinuousClock.now
            Thread.sleep(forTimeInterval: min(0.01, Double(left.components.seconds) + Double(left.components.attoseconds) * 1e-18))
        }
        return .none
    }
}
