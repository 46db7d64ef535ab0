import Engine
import Foundation
import Testing
@testable import Shell

/// The memory limit is a budget for the whole session: what its variables hold (datasets,
/// networks, lists, strings) is charged against it, so objects each under the limit are
/// refused once together they would exceed it. Each test binds a small limit for its own task
/// (`MemoryLimit.$scopedBytes`): tests run in parallel, each session with its own ledger.
@Suite struct MemoryBudgetTests {
    /// Runs `source` in `session` under a limit of `limit` bytes.
    func run(_ source: String, limit: Int, in session: (Session, OutputCollector)) -> ShellRun {
        MemoryLimit.$scopedBytes.withValue(limit) { runShell(source, in: session) }
    }

    @Test func layersAreChargedWithTheNetworkTheyJoin() throws {
        let session = makeSession()
        // Each 1000×1000 float32 layer is 3.8 MB, under the 10 MB limit on its own.
        let r = run("n = network 1000\nadd n dense 1000\nadd n dense 1000\nadd n dense 1000", limit: 10 << 20, in: session)
        let e = try #require(r.error)
        #expect(e.line == 4)
        #expect(e.message.hasPrefix("a 1000×1000 float32 weight matrix needs 3.8 MB, but 7.6 MB of the memory limit of 10 MB is in use by the session's values; vars lists them and forget frees them (set max_memory raises it)"))
        #expect(run("print n.layers.count", limit: 10 << 20, in: session).output == "2\n")
    }

    @Test func datasetsInSeveralVariablesAddUpAndForgetFreesThem() throws {
        let session = makeSession()
        let made = run("a = runge n=100000\nb = runge n=100000\nshared = [a, a, [b]]", limit: 9 << 20, in: session)
        try #require(made.succeeded, "\(made.error?.message ?? "")")
        let held = session.0.interpreter.bytesInUse
        #expect(held > 6 << 20 && held < 7 << 20, "two datasets, each counted once: \(held)")
        let refused = try #require(run("c = runge n=100000", limit: 9 << 20, in: session).error)
        #expect(refused.message.hasPrefix("runge: a set of 100000 points needs 3.8 MB, but "))
        #expect(refused.message.contains(" of the memory limit of 9 MB is in use by the session's values"))
        #expect(run("forget a shared\nc = runge n=100000", limit: 9 << 20, in: session).succeeded)
    }

    @Test func varsShowsWhatHoldsTheMemory() throws {
        let r = run("a = runge n=100000\nb = a\nx = 1\nvars", limit: 64 << 20, in: makeSession())
        #expect(r.output.hasPrefix("a  <dataset runge: 100000 examples × 1 feature (float64), 1 regression...  (3.1 MB)\nb  <dataset runge: "))
        #expect(r.output.contains("\nx  1\n"), "small values show no size")
        #expect(r.output.hasSuffix("\n3.1 MB of the memory limit of 64 MB in use\n"), "the dataset counted once")
    }

    /// Transforms copy the examples: each is charged with the dataset it copies held.
    @Test(arguments: [("shuffle a", "the shuffled copy"), ("split a 0.8", "the split of 100000 examples"),
                      ("folds a 5", "5 folds of 100000 examples (each a training and a test part)"),
                      ("standardize a", "the scaled copy"), ("take a 90000", "90000 examples")])
    func aTransformIsChargedWithTheDataItCopies(command: String, what: String) throws {
        let session = makeSession()
        try #require(run("a = runge n=100000", limit: 5 << 20, in: session).succeeded)
        let e = try #require(run("b = \(command)", limit: 5 << 20, in: session).error)
        #expect(e.message.hasPrefix("runge: \(what) needs "), "\(e.message)")
        #expect(e.message.hasSuffix(" (set max_memory raises it)"))
    }

    @Test func aCSVRowIsParsedInWhatTheSessionLeaves() throws {
        // 40 000 cells (80 KB, 1.6 MB parsed) fit under 4 MB, but not beside a 3 MB dataset.
        let path = NSTemporaryDirectory() + "/nnsh-memory-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let row = Array(repeating: "1", count: 40_000).joined(separator: ",")
        try (row + "\n" + row + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let session = makeSession()
        #expect(run("w = csv \"\(path)\"", limit: 4 << 20, in: session).succeeded)
        try #require(run("forget w\na = runge n=100000", limit: 4 << 20, in: session).succeeded)
        let e = try #require(run("w = csv \"\(path)\"", limit: 4 << 20, in: session).error)
        #expect(e.message.contains("this row has more than "))
        #expect(e.message.contains(", more than the 971 KB left of the memory limit of 4 MB (set max_memory raises it)"), "\(e.message)")
    }

    @Test func aListDoubledInALoopIsRefused() throws {
        let session = makeSession()
        let e = try #require(run("x = [1]\nfor i in 0..<20 { x = x + x }", limit: 4 << 20, in: session).error)
        #expect(e.line == 2 && e.column == 25, "at the +")
        #expect(e.message.hasPrefix("a list of 131072 items needs 4 MB, but 2 MB of the memory limit of 4 MB is in use"))
        #expect(run("print x.count", limit: 4 << 20, in: session).output == "65536\n")
    }

    @Test(arguments: ["s = s + s", "s = \"{s}{s}\""])
    func aStringDoubledInALoopIsRefused(step: String) throws {
        let e = try #require(run("s = \"ab\"\nfor i in 0..<21 { \(step) }", limit: 2 << 20, in: makeSession()).error)
        #expect(e.message.hasPrefix("a string of 2097152 bytes needs 2 MB, but 1 MB of the memory limit of 2 MB is in use"))
    }

    @Test func aLongRangeUsedAsAListIsRefused() throws {
        let e = try #require(run("print (sum 1...1000000)", limit: 4 << 20, in: makeSession()).error)
        #expect(e.message == "values: a list of 1000000 numbers needs 38.1 MB, more than the memory limit of 4 MB (set max_memory raises it)")
    }

    @Test func aNetworkKeepsTheDataItWasTrainedOnInUse() throws {
        let session = makeSession()
        let trained = run("d = runge n=100000\nn = network 1\nadd n dense 1\ntrain n d epochs=1 quiet=true", limit: 64 << 20, in: session)
        try #require(trained.succeeded, "\(trained.error?.message ?? "")")
        let held = session.0.interpreter.bytesInUse
        try #require(run("forget d", limit: 64 << 20, in: session).succeeded)
        #expect(session.0.interpreter.bytesInUse == held, "the network still holds d")
        try #require(run("forget n", limit: 64 << 20, in: session).succeeded)
        #expect(session.0.interpreter.bytesInUse < 1 << 20)
    }

    @Test(arguments: ["x", "y"])
    func aDatasetFieldListIsCheckedBeforeItIsMade(field: String) throws {
        // The dataset (3 MB) fits under 5 MB; its 100 000 x values as a list (3 MB) do not beside it.
        let session = makeSession()
        try #require(run("a = runge n=100000", limit: 5 << 20, in: session).succeeded)
        let e = try #require(run("v = a.\(field)", limit: 5 << 20, in: session).error)
        #expect(e.message.hasPrefix("the list .\(field) of 100000 items needs 3.1 MB, but 3.1 MB of the memory limit of 5 MB is in use"), "\(e.message)")
    }

    @Test func copiesOfAListAreCountedOnce() throws {
        let session = makeSession()
        try #require(run("x = [0]\nfor i in 0..<14 { x = x + x }", limit: 1 << 30, in: session).succeeded)
        let one = session.0.interpreter.bytesInUse
        #expect(one >= 16384 * MemoryLayout<Value>.stride)
        try #require(run("y = x\nz = [x, y]", limit: 1 << 30, in: session).succeeded)
        #expect(session.0.interpreter.bytesInUse < one + 1024)
        try #require(run("y = y + [1]", limit: 1 << 30, in: session).succeeded)
        #expect(session.0.interpreter.bytesInUse > 2 * one - 1024, "a changed copy is a list of its own")
    }
}
