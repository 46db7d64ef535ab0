import Foundation
import Testing
@testable import Shell

/// Ctrl-C stops long commands (not only `train`): each polls the session's interrupt check as it
/// goes, reports that it stopped (a notice, not an error with a caret) and changes nothing. The
/// check turns true at its n-th poll (a counter, no clock, no global flag).
@Suite struct StoppedCommandTests {
    static let setup = """
        x = 7
        d = runge n=1000 seed=1
        n = network 1
        add n dense 30 tanh
        add n dense 1 linear
        """

    struct Case: CustomTestStringConvertible, Sendable {
        var command: String
        var notice: String
        /// Polls answered "go on" (the first one: before the statement).
        var pollsBeforeStop = 2
        var testDescription: String { command }
    }

    static let cases = [
        Case(command: "gradcheck n d sample=all", notice: "gradcheck stopped after 0 of 91 parameters by Ctrl-C; nothing was changed"),
        Case(command: "eval n d", notice: "eval stopped after 256 of 1000 examples by Ctrl-C; nothing was changed"),
        Case(command: "predict n d", notice: "predict stopped after 256 of 1000 examples by Ctrl-C; nothing was changed"),
        Case(command: "ols d", notice: "ols stopped after 0 of 1 columns by Ctrl-C; nothing was changed", pollsBeforeStop: 1),
        Case(command: "ridge d l2=0.1", notice: "ridge stopped after 0 of 1 columns by Ctrl-C; nothing was changed", pollsBeforeStop: 1),
        Case(command: "lasso d l1=0.01", notice: "lasso stopped after 16 of 1000 examples by Ctrl-C; nothing was changed"),
    ]

    @Test(arguments: cases)
    func stopsAndKeepsTheVariable(_ c: Case) throws {
        let (s, out) = makeSession()
        let ready = runShell(Self.setup, in: (s, out))
        #expect(ready.succeeded, "\(String(describing: ready.error))")
        var polls = 0
        // Polled once before the statement, then by the command as it goes.
        s.interpreter.isInterrupted = { polls += 1; return polls > c.pollsBeforeStop }
        let r = runShell("x = " + c.command, in: (s, out))
        let stop = try #require(r.error)
        #expect(stop.isInterruption, "a stop is not an error")
        #expect(stop.message == c.notice)
        #expect(stop.rendered() == stop.message, "no 'error:', no caret: \(stop.rendered())")
        s.interpreter.isInterrupted = { false }
        #expect(runShell("print x", in: (s, out)).output == "7\n")
    }

    /// A file being read stops between chunks (csv: the file, then every 1024 rows; idx and
    /// mnist: each file's chunks of 16 MiB) and assigns nothing.
    @Test(arguments: [("csv", 3), ("csv", 5), ("idx", 2), ("mnist", 2)])
    func fileReadsStopAndKeepTheVariable(command: String, pollsBeforeStop: Int) throws {
        let folder = NSTemporaryDirectory() + "nnsh-stopped-\(command)-\(pollsBeforeStop)-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = folder + "/rows.csv"
        try ("x,y\n" + (0..<3000).map { "\($0),\($0 % 3)\n" }.joined()).write(toFile: csv, atomically: true, encoding: .utf8)
        // IDX files: 2 images of 2×2 and their labels, as train and t10k parts.
        func idx(_ dimensions: [UInt8], _ payload: [UInt8]) -> Data {
            Data([0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { [0, 0, 0, $0] } + payload)
        }
        for part in ["train", "t10k"] {
            FileManager.default.createFile(atPath: folder + "/\(part)-images-idx3-ubyte", contents: idx([2, 2, 2], [UInt8](repeating: 9, count: 8)))
            FileManager.default.createFile(atPath: folder + "/\(part)-labels-idx1-ubyte", contents: idx([2], [0, 1]))
        }
        let call = switch command {
        case "csv": "csv \"\(csv)\" label=\"y\""
        case "idx": "idx \"\(folder)/train-images-idx3-ubyte\" \"\(folder)/train-labels-idx1-ubyte\""
        default: "mnist \"\(folder)\""
        }
        let (s, out) = makeSession()
        #expect(runShell("x = 7\ny = " + call, in: (s, out)).succeeded, "the file reads in full")
        var polls = 0
        s.interpreter.isInterrupted = { polls += 1; return polls > pollsBeforeStop }   // the first poll: before the statement
        let r = runShell("x = " + call, in: (s, out))
        let stop = try #require(r.error)
        #expect(stop.isInterruption, "a stop is not an error")
        #expect(stop.message.hasPrefix("\(command) stopped reading \(folder)/"), "\(stop.message)")
        #expect(stop.message.hasSuffix(" by Ctrl-C; nothing was changed"))
        #expect(stop.rendered() == stop.message)
        s.interpreter.isInterrupted = { false }
        #expect(runShell("print x", in: (s, out)).output == "7\n")
    }

    /// gradcheck checks a random sample by default and says so.
    @Test func gradcheckSamplesByDefault() throws {
        let (s, out) = makeSession()
        let r = runShell("""
            d = runge n=5 seed=1
            n = network 1
            add n dense 1200 tanh
            add n dense 1 linear
            g = gradcheck n d seed=2
            print g.checked g.total
            gradcheck n d seed=2
            """, in: (s, out))
        #expect(r.succeeded, "\(String(describing: r.error))")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "3001 3601")   // 1000 + 1000 + 1000 + 1 of 1200 + 1200 + 1200 + 1
        #expect(lines.contains("checked 3001 of 3601 parameters (a random sample; sample=all checks every one)"))
        #expect(lines.contains { $0.hasPrefix("    1  weights  1000/1200  ") })
    }
}
