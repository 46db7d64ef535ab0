import Foundation
import Testing
@testable import Shell

/// `grid … runner=slurm` without Slurm: the batch script, the sweep's folder and its
/// workers (run here in-process, as each array task would run them), the merge of their
/// results and the rows of what is missing. Scripts/slurm/test_slurm.py runs it on a real
/// single-node Slurm.
@Suite struct SlurmSweepTests {
    static let grid = "grid net r lr=[0.003, 0.01] l2=[0, 1e-4] epochs=2 batch=8 repeats=2 seed=3"

    /// A fresh folder for one test's sweep.
    static func temporaryFolder(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "nnsh-sweep-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs the sweep's script as array task would with `--set configurations=…`
    /// (without its `set threads`, which would change the process's thread count).
    static func runWorker(_ dir: String, configurations: String, sets: String = "") throws -> ShellRun {
        let script = try String(contentsOfFile: dir + "/sweep.nnsh", encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("set threads") }.joined(separator: "\n")
        return runShell("configurations = \(configurations)\n" + sets + script)
    }

    @Test func theBatchScriptRunsEachTaskOnItsConfigurations() {
        let folder = SweepFolder("/shared/sweeps/a b")
        let settings = SlurmJob.Settings(partition: "short", time: "0:10:00", cpus: 4, extraFlags: ["--hold", "--mem=2G"])
        let script = SlurmJob.batchScript(folder: folder, tasks: [[0, 2], [1]], settings: settings, nnsh: "/opt/nnsh/bin/nnsh")
        let lines = script.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/bash")
        for line in ["#SBATCH --array=0-1", "#SBATCH --cpus-per-task=4", "#SBATCH --partition=short", "#SBATCH --time=0:10:00",
                     "#SBATCH --hold", "#SBATCH --mem=2G", "#SBATCH --output=\"/shared/sweeps/a b/logs/task-%A-%a.log\"",
                     "  0) configurations=\"[0, 2]\" ;;", "  1) configurations=\"[1]\" ;;",
                     "exec /opt/nnsh/bin/nnsh --set \"configurations=$configurations\" '/shared/sweeps/a b/sweep.nnsh'"] {
            #expect(lines.contains(line), "\(line)\n\(script)")
        }
        // Every #SBATCH line comes before the first command, or sbatch ignores it.
        let lastDirective = lines.lastIndex { $0.hasPrefix("#SBATCH") }!
        let firstCommand = lines.firstIndex { !$0.hasPrefix("#") }!
        #expect(lastDirective < firstCommand)
        let plain = SlurmJob.batchScript(folder: folder, tasks: [[0]], settings: SlurmJob.Settings(), nnsh: "nnsh")
        #expect(!plain.contains("--partition") && !plain.contains("--time"))
    }

    @Test func gnuParallelGetsOneCommandPerTaskWithItsLog() {
        let folder = SweepFolder("/shared/sweep")
        let commands = ParallelJob.commands(folder: folder, job: "parallelab12", tasks: [[0, 2], [1]], nnsh: "/opt/nnsh",
                                            sets: ["sweep_round=2"])
        #expect(commands == """
            /opt/nnsh --set 'configurations=[0, 2]' --set sweep_round=2 /shared/sweep/sweep.nnsh > /shared/sweep/logs/task-parallelab12-0.log 2>&1
            /opt/nnsh --set 'configurations=[1]' --set sweep_round=2 /shared/sweep/sweep.nnsh > /shared/sweep/logs/task-parallelab12-1.log 2>&1

            """)
        #expect(ParallelJob.arguments(commandsFile: "/s/tasks.txt", hosts: nil, slots: 3)
                == ["parallel", "--will-cite", "--halt", "never", "--jobs", "3", "--arg-file", "/s/tasks.txt"])
        #expect(ParallelJob.arguments(commandsFile: "/s/tasks.txt", hosts: "4/a,4/b", slots: 3)
                == ["parallel", "--will-cite", "--halt", "never", "--sshlogin", "4/a,4/b", "--arg-file", "/s/tasks.txt"])
    }

    @Test func shardsDealTheConfigurationsOutInTurn() {
        #expect(SlurmJob.tasks(for: Array(0..<8), shards: 3) == [[0, 3, 6], [1, 4, 7], [2, 5]])
        #expect(SlurmJob.tasks(for: [4, 9], shards: nil) == [[4], [9]])
        #expect(SlurmJob.tasks(for: [4, 9], shards: 10) == [[4], [9]])
    }

    @Test func squeueLinesGiveTheTasksStillQueuedOrRunning() {
        let tasks = SlurmJob.activeTasks(squeueOutput: "0 PENDING\n1 RUNNING\n2 COMPLETED\n3 COMPLETING\n4 CANCELLED\n5 FAILED\n")
        #expect(tasks == [0: .pending, 1: .running, 3: .running])
    }

    @Test func resultFilesKeepEveryBitOfTheScores() {
        let scores = [0.1 + 0.2, 1e-300, -0.0, .pi, 12345.678901234567]
        let back = SweepFolder.scores(fromResultText: SweepFolder.resultText(scores))
        #expect(back?.map(\.bitPattern) == scores.map(\.bitPattern))
        #expect(SweepFolder.scores(fromResultText: "") == nil)
        #expect(SweepFolder.scores(fromResultText: "0x3fb3 0.07\n0.2\n") == nil)
    }

    /// The worker's grid line is written with numbers in full; `literal` (six digits) would
    /// give another learning rate.
    @Test func numbersReachTheWorkersExactly() {
        let x = 0.1 + 0.2, lr = 0.0012345678901
        let text = SlurmSweep.exactLiteral(.list([.number(x), .number(lr), .number(5), .number(-2.5e-7)]))
        let run = runShell("v = \(text)\nprint v[0] == 0.1 + 0.2 and v[1] == 0.0012345678901 and v[2] == 5 and v[3] == -2.5e-7")
        #expect(run.output == "true\n", "\(text)")
    }

    /// Workers run in two goes (as two array tasks would, then a resubmission of what was
    /// missing); the table runner=slurm then merges equals the local grid's, bit for bit.
    @Test func theWorkersResultsMergeIntoTheLocalTable() throws {
        let dir = Self.temporaryFolder("merge")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = makeSession()
        let dry = runShell(TuningTests.setup + "\(Self.grid) runner=slurm dir=\"\(dir)\" shards=2 dry quiet", in: session)
        #expect(dry.succeeded, "\(dry.error?.rendered() ?? "")")
        #expect(dry.output.contains("#SBATCH --array=0-1\n"), "\(dry.output)")
        #expect(dry.output.contains("  0) configurations=\"[0, 2]\" ;;\n  1) configurations=\"[1, 3]\" ;;\n"), "\(dry.output)")
        #expect(dry.output.contains("dry run: not submitted"))
        let checksums = try String(contentsOfFile: dir + "/checksums.sha256", encoding: .utf8)
        #expect(checksums.contains("  net.nnm\n") && checksums.contains("  data.npz\n"))

        let first = try Self.runWorker(dir, configurations: "[0, 2]")
        #expect(first.succeeded, "\(first.error?.rendered() ?? "")")
        // Only task 1's configurations are left: the dry run now holds just that task.
        let again = runShell("\(Self.grid) runner=slurm dir=\"\(dir)\" shards=2 dry quiet", in: session)
        #expect(again.succeeded, "\(again.error?.rendered() ?? "")")
        #expect(again.output.contains("#SBATCH --array=0-0\n  0) configurations=\"[1, 3]\" ;;\n") || again.output.contains("  0) configurations=\"[1, 3]\" ;;\n  *)"),
                "\(again.output)")
        #expect(!again.output.contains("[0, 2]"))

        let second = try Self.runWorker(dir, configurations: "[1, 3]")
        #expect(second.succeeded, "\(second.error?.rendered() ?? "")")
        let merged = runShell("""
            s = \(Self.grid) runner=slurm dir="\(dir)" quiet
            local = \(Self.grid) quiet
            print s.columns
            print s.columns == local.columns and s.lr == local.lr and s.l2 == local.l2
            print s.mse == local.mse and s.mse_std == local.mse_std
            """, in: session)
        #expect(merged.succeeded, "\(merged.error?.rendered() ?? "")")
        #expect(merged.output == "[\"lr\", \"l2\", \"mse\", \"mse_std\"]\ntrue\ntrue\n")
    }

    @Test func aWorkerRefusesDataThatChanged() throws {
        let dir = Self.temporaryFolder("checksum")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dry = runShell(TuningTests.setup + "\(Self.grid) runner=slurm dir=\"\(dir)\" dry quiet")
        #expect(dry.succeeded, "\(dry.error?.rendered() ?? "")")
        // Other data under the same name: it loads, but its checksum is not the sweep's.
        let other = runShell("save (runge n=40 noise=0.05 seed=5) \"\(dir)/data.npz\"")
        #expect(other.succeeded)
        let worker = try Self.runWorker(dir, configurations: "[0]")
        let message = worker.error?.rendered() ?? ""
        #expect(message.contains("data.npz has SHA-256"), "\(message)")
        #expect(message.contains("nothing was trained"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/results/0.txt"))
    }

    @Test func missingConfigurationsKeepTheirRowWithTheirTasksLog() throws {
        let (session, _) = makeSession()
        #expect(runShell(TuningTests.setup, in: (session, OutputCollector())).succeeded)
        let shell = session.interpreter
        var a = try shell.bindValues([("net", shell.globals["net"]!), ("data", shell.globals["r"]!), ("repeats", .number(2)),
                                      ("seed", .number(3)), ("quiet", .bool(true))], to: GridCommand.self)
        a.keywords = [("lr", .list([.number(0.003), .number(0.01)])), ("l2", .list([.number(0), .number(1e-4)])), ("epochs", .number(2))]
        let search = try Search(a, shell)
        let table = SlurmSweep.merge(search, results: [0: [0.5, 0.25], 3: [0.125, 0.125]], log: { "logs/task-7-\($0 % 2).log" })
        #expect(table.columns == ["lr", "l2", "mse", "mse_std", "missing"])
        #expect(table.rows.count == 4)
        func number(_ row: Int, _ column: String) -> Double? {
            if case .number(let x)? = table.rows[row][column] { return x }
            return nil
        }
        func text(_ row: Int, _ column: String) -> String? {
            if case .string(let s)? = table.rows[row][column] { return s }
            return nil
        }
        #expect(number(0, "mse") == 0.375 && table.rows[0]["missing"] == nil)
        #expect(table.rows[1]["mse"]?.isNone == true && table.rows[1]["mse_std"]?.isNone == true)
        #expect(text(1, "missing") == "logs/task-7-1.log")
        #expect(text(2, "missing") == "logs/task-7-0.log")
        #expect(number(2, "lr") == 0.01 && number(2, "l2") == 0)
        #expect(number(3, "mse") == 0.125 && number(3, "mse_std") == 0)
    }

    /// halving's workers get the round with --set and train their configurations afresh
    /// through it: round 2 of epochs=2 keep=0.5 is 4 epochs in all.
    @Test func aHalvingWorkerTrainsThroughItsRound() throws {
        let dir = Self.temporaryFolder("halving")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let line = "halving net r lr=[0.003, 0.01] l2=[0, 1e-4] epochs=2 keep=0.5 seed=3"
        let dry = runShell(TuningTests.setup + "\(line) runner=slurm dir=\"\(dir)\" dry quiet")
        #expect(dry.succeeded, "\(dry.error?.rendered() ?? "")")
        #expect(dry.output.contains("--set sweep_round=1 "), "\(dry.output)")
        let script = try String(contentsOfFile: dir + "/sweep.nnsh", encoding: .utf8)
        #expect(script.contains("halving net data epochs=2 keep=0.5 lr=[0.003, 0.01] l2=[0, 0.0001] ") && script.contains(" round=sweep_round "))
        let worker = try Self.runWorker(dir, configurations: "[1]", sets: "sweep_round = 2\n")
        #expect(worker.succeeded, "\(worker.error?.rendered() ?? "")")
        let text = try String(contentsOfFile: dir + "/results/round-2/1.txt", encoding: .utf8)
        #expect(SweepFolder.result(fromText: text)?.epochs == 4)
        #expect(SweepFolder.result(fromText: text)?.scores.count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir + "/results/round-2/0.txt"))
    }

    /// A study script switches runner= alone: runner=local ignores the Slurm settings (and
    /// dir= without configurations=) and gives the local table.
    @Test func runnerLocalIgnoresTheSlurmSettings() {
        let run = runShell(TuningTests.setup + """
            a = \(Self.grid) quiet
            b = \(Self.grid) runner=local dir="/nonexistent-nnsh-sweep" shards=2 cpus=1 partition="short" time="1:00" sbatch="--hold" dry quiet
            print a.mse == b.mse and a.mse_std == b.mse_std and a.columns == b.columns
            """)
        #expect(run.succeeded, "\(run.error?.rendered() ?? "")")
        #expect(run.output == "true\n")
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-nnsh-sweep"))
    }

    @Test func aFolderHoldingAnotherSweepIsRefused() {
        let dir = Self.temporaryFolder("other")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = makeSession()
        #expect(runShell(TuningTests.setup + "\(Self.grid) runner=slurm dir=\"\(dir)\" dry quiet", in: session).succeeded)
        let other = runShell("grid net r lr=[0.003, 0.02] epochs=2 seed=3 runner=slurm dir=\"\(dir)\" dry quiet", in: session)
        #expect(other.error?.rendered().contains("holds another sweep") == true, "\(other.error?.rendered() ?? "")")
        #expect(try! String(contentsOfFile: dir + "/sweep.nnsh", encoding: .utf8).contains("lr=[0.003, 0.01]"))
    }

    @Test(arguments: [
        ("runner=slurm configurations=[0]", "configurations: given to the workers by runner=slurm itself"),
        ("configurations=[0, 9]", "configurations: expected whole numbers from 0 to 3"),
        ("dir=\"/tmp\" runner=slurm dry sbatch=\"--x\" partition=\"p\" time=\"1:00\" cpus=0", "cpus"),
        ("dir=\"/nonexistent-nnsh-sweep\" configurations=[1]", "holds no sweep"),
        ("runner=slurm keep_best=r", "keep_best: runner=slurm sends only numbers, strings and lists"),
    ])
    func badSweepOptionsAreRefused(_ options: String, _ message: String) {
        let run = runShell(TuningTests.setup + "\(Self.grid) \(options) quiet")
        #expect(run.error?.rendered().contains(message) == true, "\(run.error?.rendered() ?? "no error") \(run.output)")
    }
}
