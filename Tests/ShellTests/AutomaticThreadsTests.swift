import Foundation
import Testing
@testable import Shell
@testable import Engine

/// `set threads auto`, the default: each `train` takes the CPUs no other program is busy on.
/// (No test here sets a number: `set threads N` changes the process's thread count, which
/// other suites running beside these would see.)
@Suite struct AutomaticThreadsTests {
    @Test func theDefaultIsAutoAndAScriptsChoiceIsUndoneAfterIt() throws {
        let (session, out) = makeSession()
        #expect(runShell("print (set threads)", in: (session, out)).output == "auto\n")
        #expect(runShell("set threads auto\nprint (set threads)", in: (session, out)).output == "auto\n")
        // A script run with `run` gets the caller's settings back when it ends (`inOwnScope`):
        // its `set threads auto` does not outlive it. (`set threads auto` leaves the process's
        // count where it started; only the session's flag moves.)
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-threads-\(getpid()).nnsh")
        try "print (set threads)\nset threads auto\nprint (set threads)\n".write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        session.interpreter.threads = 3   // as `set threads 3` would, without touching BLAS
        let inner = runShell("run \"\(script.path)\"\nprint (set threads)", in: (session, out))
        #expect(inner.output == "3\nauto\n3\n")
        #expect(session.interpreter.threads == 3)
    }

    @Test func aWordOtherThanAutoIsRefusedNamingIt() {
        let run = runShell("set threads \"many\"")
        #expect(run.error?.message == "threads: expected a whole number from 1 to 64 or auto, got \"many\"")
    }

    /// With a program busy beside it, a `train` of a network big enough to split takes fewer
    /// threads than there are CPUs and says so.
    /// (Only where the count means something: Linux, nnsh allowed on every CPU, and more than
    /// one thread, and no more than 64, to choose from; `FreeCores`.)
    @Test(.enabled(if: Self.countsFreeCores))
    func aTrainBesideABusyProgramTakesFewerThreadsAndSaysSo() throws {
        let yes = Process()
        yes.executableURL = URL(fileURLWithPath: "/usr/bin/yes")
        yes.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try yes.run()
        // SIGKILL: the test runner's threads block SIGTERM, and the child inherits that mask.
        defer { kill(yes.processIdentifier, SIGKILL); yes.waitUntilExit() }
        // Wait (for a state, not a time) until it is running.
        var running = false
        for _ in 0..<2_000 where !running {
            let stat = (try? String(contentsOfFile: "/proc/\(yes.processIdentifier)/stat", encoding: .utf8)) ?? ""
            running = stat.split(separator: ")").last?.split(separator: " ").first == "R"
            if !running { usleep(1_000) }
        }
        try #require(running)
        let run = runShell("""
            r = runge n=64 seed=1
            net = network 1
            add net dense 200 tanh
            add net dense 200 tanh
            add net dense 1 linear
            train net r epochs=1 batch=64
            """)
        #expect(run.error == nil)
        let note = run.output.split(separator: "\n").last.map(String.init) ?? ""
        let asked = min(BLASThreads.initial, ProcessInfo.processInfo.activeProcessorCount, 64)
        #expect(note.hasPrefix("(trained on ") && note.hasSuffix("set threads \(asked) trains on \(asked) whatever the load)"),
                "no note after a train beside a busy program: \(run.output)")
    }

    static var countsFreeCores: Bool {
        #if os(Linux)
        let online = ProcessInfo.processInfo.activeProcessorCount
        // (At most 64: the note suggests no more than set threads takes.)
        return online > 1 && online <= 64 && BLASThreads.initial >= online && FreeCores.usableCPUs >= online
        #else
        return false
        #endif
    }
}
