import Foundation
import Glibc
import Testing

/// A save cut short by a signal that ends nnsh leaves no `.NAME.tmp-PID-N` file behind: SIGTERM
/// and SIGHUP always, SIGINT (Ctrl-C) in script mode. The script saves a 16 MB model over and
/// over; the signal is sent once a temporary file is seen in the folder, and the process must
/// still die of that signal (its default action), with the folder holding only the model.
@Suite struct SignalCleanupTests {
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func aSignalDuringASaveRemovesItsTemporaryFile(_ signal: Int32) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-signal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/save.nnsh"
        try """
            net = network 1000 precision="float64"
            add net dense 1000 tanh
            add net dense 1000 tanh
            for i in 0..<1000000 { save net "\(folder)/big.nnm" }
            """.write(toFile: script, atomically: true, encoding: .utf8)
        func temporaries() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.contains(".tmp-") }
        }

        let process = Process()
        process.executableURL = nnshExecutable()
        process.arguments = [script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Wait (boundedly, as a safeguard only) until a save is under way.
        var seen = false
        for _ in 0..<6000 where process.isRunning {
            if !temporaries().isEmpty { seen = true; break }
            usleep(10_000)
        }
        #expect(seen, "a temporary file appeared while saving")
        kill(process.processIdentifier, signal)
        // A safeguard against a process that ignored the signal: it must not hang the suite.
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == signal, "ended by the signal sent, by its default action")
        #expect(temporaries().isEmpty, "left behind: \(temporaries())")
    }
}
