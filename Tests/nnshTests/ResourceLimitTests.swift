import Foundation
import Testing

/// End-to-end: `--max-memory` sets the session's memory budget.
@Suite struct ResourceLimitTests {
    @Test func maxMemoryFlagSetsTheLimit() throws {
        let out = try runNNSH(["--max-memory", "64MB", "-e", "print (set max_memory)\nn = network 10000\nadd n dense 10000"])
        #expect(out.status == 1)
        #expect(out.stdout == "64 MB\n")
        #expect(out.stderr.hasPrefix("-e:3:13: error: a 10000×10000 float32 weight matrix needs 381.5 MB, more than the memory limit of 64 MB (set max_memory raises it)\n"))
    }

    @Test func theLimitIsABudgetForTheWholeSession() throws {
        // Each 2000×2000 layer (15.3 MB) fits under 40 MB alone; the third does not fit beside two.
        let add = "\nadd n dense 2000"
        let out = try runNNSH(["--max-memory", "40MB", "-e", "n = network 2000" + String(repeating: add, count: 10)])
        #expect(out.status == 1)
        #expect(out.stderr.hasPrefix("-e:4:13: error: a 2000×2000 float32 weight matrix needs 15.3 MB, but 30.5 MB of the memory limit of 40 MB is in use by the session's values; vars lists them and forget frees them (set max_memory raises it)\n"))
    }

    @Test func badMaxMemoryIsAUsageError() throws {
        let out = try runNNSH(["--max-memory", "lots", "-e", "print 1"])
        #expect(out.status == 2)
        #expect(out.stderr == "nnsh: --max-memory expects a size of at least 1MB such as 2GB or 512MB, got 'lots'\n")
        #expect(out.stdout == "")
    }

    @Test func theDefaultIsAFractionOfPhysicalMemory() throws {
        let out = try runNNSH(["-e", "print (set max_memory)"])
        #expect(out.status == 0)
        #expect(out.stdout.hasSuffix(" GB\n") || out.stdout.hasSuffix(" MB\n"))
    }
}
