import Foundation
import Testing
@testable import Engine
import EngineTestSupport

/// `FreeCores`: what `set threads auto` trains with.
@Suite struct FreeCoresTests {
    @Test func readsTheRunningTasksOfLoadavg() {
        #expect(FreeCores.runningTasks(loadavg: "0.02 0.86 1.56 3/110 12213\n") == 3)
        #expect(FreeCores.runningTasks(loadavg: "1.00 1.00 1.00 17/1200 99") == 17)
        #expect(FreeCores.runningTasks(loadavg: "0.02 0.86 1.56") == nil)
        #expect(FreeCores.runningTasks(loadavg: "0.02 0.86 1.56 x/110 1") == nil)
        #expect(FreeCores.runningTasks(loadavg: "") == nil)
    }

    /// The state letter follows the command name, which is in parentheses and may hold ") R (".
    @Test func readsAThreadsStateAfterItsName() {
        #expect(FreeCores.state(stat: "12215 (cat) R 12211 12211 11005 0") == "R")
        #expect(FreeCores.state(stat: "7 (a) R (b) S 1 1") == "S")
        #expect(FreeCores.state(stat: "7 (x)") == nil)
        #expect(FreeCores.state(stat: "garbage") == nil)
    }

    @Test func countsTheCPUsOfTheAffinityList() {
        #expect(FreeCores.allowedCPUs(status: "Name:\tx\nCpus_allowed:\tff\nCpus_allowed_list:\t0-3,8,10-11\nMems: 0") == 7)
        #expect(FreeCores.allowedCPUs(status: "Cpus_allowed_list:\t5") == 1)
        #expect(FreeCores.allowedCPUs(status: "Cpus_allowed_list:\t3-1") == nil)
        #expect(FreeCores.allowedCPUs(status: "Cpus_allowed_list:\tx") == nil)
        #expect(FreeCores.allowedCPUs(status: "Name:\tx") == nil)
    }

    /// A program counts when it runs in most looks; the answer stays within 1 … the CPUs usable.
    @Test func decidesFromTheMedianLook() {
        #expect(FreeCores.decide(cpus: 2, online: 2, others: [0, 0, 1, 0, 0, 0, 2, 0, 0]) == 2)
        #expect(FreeCores.decide(cpus: 2, online: 2, others: [1, 1, 0, 1, 1, 2, 1, 1, 1]) == 1)
        #expect(FreeCores.decide(cpus: 2, online: 2, others: [3, 3, 3]) == 1)
        #expect(FreeCores.decide(cpus: 2, online: 8, others: [3, 3, 3]) == 2)   // busy elsewhere
        #expect(FreeCores.decide(cpus: 8, online: 8, others: [3, 2, 3]) == 5)
        #expect(FreeCores.decide(cpus: 4, online: 4, others: []) == 4)
    }

    /// With a program busy beside it (`yes`, never blocking), at least one CPU is not free.
    /// Other programs' load can only lower the count, and this process's threads that start
    /// during a look are not counted against it (`count` takes the fewer of two reads).
    /// Only where the count means something: Linux, with every CPU allowed.
    @Test(.enabled(if: Self.countsFreeCores))
    func aBusyProgramTakesACPU() throws {
        let online = WorkerPool.processors
        let yes = Process()
        yes.executableURL = URL(fileURLWithPath: "/usr/bin/yes")
        yes.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try yes.run()
        // SIGKILL: the test runner's threads block SIGTERM, and the child inherits that mask.
        defer { kill(yes.processIdentifier, SIGKILL); yes.waitUntilExit() }
        // Wait (for a state, not a time) until it is running.
        var state: Character? = nil
        for _ in 0..<2_000 where state != "R" {
            state = (try? String(contentsOfFile: "/proc/\(yes.processIdentifier)/stat", encoding: .utf8)).flatMap(FreeCores.state(stat:))
            if state != "R" { usleep(1_000) }
        }
        try #require(state == "R")
        let free = FreeCores.count(limit: 64)
        #expect(free >= 1)
        #expect(free <= max(1, online - 1), "yes is running, yet all \(online) CPUs were found free")
        #expect(FreeCores.count(limit: 1) == 1)
    }

    /// A run that follows the load (`set threads auto`) chooses once: the paused run keeps the
    /// count it chose and no longer follows the load, so `resume` trains on the same count, and
    /// a small network (nothing to split) never looks at all.
    @Test func aRunChoosesOnceAndItsPausedRunKeepsTheCount() throws {
        let net: Network<Float> = try makeNetwork([64, 256, 10], hidden: .relu, output: .softmax)
        var g = RandomGenerator(seed: 5)
        let data = MatrixData(inputs: randomMatrix(96, 64, &g) as Matrix<Float>, labels: (0..<96).map { $0 % 10 }, classes: 10)
        var options = TrainingOptions(epochs: 2, batchSize: 32)
        options.threads = 2
        options.threadsFollowLoad = true
        var batches = 0
        let result = try net.train(on: data, options: options, generator: &g, shouldStop: { batches == 2 },
                                   progress: { _ in batches += 1 })
        #expect(result.stopped && result.splittable && result.threadsAsked == min(2, WorkerPool.processors))
        let paused = try #require(net.pausedRun?.options)
        #expect(paused.threads == result.threads && !paused.threadsFollowLoad)
        let resumed = try net.resume(on: data)
        #expect(!resumed.stopped && resumed.threads == result.threads && resumed.threadsAsked == result.threads)

        let small: Network<Float> = try makeNetwork([2, 3, 2], hidden: .tanh, output: .softmax)
        let tiny = try small.train(on: xorData(Float.self), options: options, generator: &g)
        #expect(!tiny.splittable && tiny.threads == 1)
    }

    static var countsFreeCores: Bool {
        #if os(Linux)
        return FreeCores.usableCPUs >= WorkerPool.processors
        #else
        return false
        #endif
    }
}
