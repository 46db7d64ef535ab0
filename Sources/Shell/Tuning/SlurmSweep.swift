import Data
import Engine
import Foundation
import ModelFiles

/// `grid net data … runner=slurm`: the grid handed to a Slurm cluster as one array job, and
/// its workers' scores merged back into the table a local grid gives.
///
/// The sweep's folder (`SweepFolder`) gets the data (data.npz), the untrained network
/// (net.nnm), their checksums, and sweep.nnsh: the same grid line with `dir=` and
/// `configurations=` (which a task sets with `--set`), so every worker trains exactly as a
/// local grid would and writes each configuration's run scores (their bits) to the folder.
/// The table is rebuilt from those scores in configuration order. Configurations without a
/// result (a failed or cancelled task) get a row with no score and their task's log in the
/// `missing` column; running the same line again submits only those.
struct SlurmSweep {
    /// The options of a grid handed to a runner, and of its workers.
    static let parameters: [Parameter] = [
        .option("runner", .word(["local", "slurm", "parallel"]), default: .string("local"),
                help: "local trains here (ignoring the settings below); slurm submits one Slurm array job (sbatch) and merges its results into the same table; parallel runs the same tasks with GNU parallel"),
        .option("dir", .path, help: "the sweep's folder, seen by every node (runner=slurm; default sweep-<hash> in the current folder, so the same line finds it again); with configurations= and runner=local, a worker's: check its checksums and write each configuration's scores there").writing(),
        .option("configurations", .list, help: "train only these configurations (numbered from 0 in table order): what each Slurm task is given"),
        .option("shards", .integer(1...100_000), help: "runner=slurm: this many array tasks, the configurations dealt out in turn (default: one per configuration)"),
        .option("partition", .string, help: "runner=slurm: sbatch --partition"),
        .option("time", .string, help: "runner=slurm: sbatch --time per task, e.g. \"0:10:00\""),
        .option("cpus", .integer(1...64), help: "runner=slurm: sbatch --cpus-per-task, the threads each worker trains with (default: this session's threads, so the table equals a local grid's)"),
        .option("sbatch", .string, help: "runner=slurm: more sbatch options, e.g. \"--mem=2G --qos=short\""),
        .flag("dry", help: "runner=slurm: write the sweep's folder and print the batch script, without submitting it (runner=parallel: the tasks' commands)"),
        .option("hosts", .string, help: "runner=parallel: GNU parallel's --sshlogin hosts sharing the folder, e.g. \"4/node1,4/node2\" (default: this machine, as many tasks at once as its cores allow cpus= each)"),
    ]

    let search: Search
    let arguments: Arguments
    let shell: Interpreter
    /// The command ("grid" or "halving") and its own words in the workers' line
    /// (halving's epochs=, keep=, rounds=).
    var command = "grid"
    var ownWords: [String] = []

    /// `grid … runner=slurm`: submits what is missing, waits with a progress line, and gives
    /// the merged table (none for a dry run).
    func run() throws(CommandError) -> Value {
        let folder = try prepare()
        let all = 0..<search.space.count
        let missing = all.filter { results(folder)[$0] == nil }
        if missing.isEmpty {
            if !search.quiet { shell.print("all \(counted(search.space.count, "configuration")) have results in \(folder.path)") }
            return .object(table(folder))
        }
        guard try submitAndWait(folder, configurations: Array(all), missing: missing) else { return .none }
        let merged = table(folder)
        let lost = merged.rows.filter { $0["missing"] != nil }.count
        if lost > 0 {
            shell.print(Self.lostMessage(lost))
        } else if !search.quiet, let best = bestRow(merged) {
            shell.print("best: " + best)
        }
        return .object(merged)
    }

    /// The configurations= indices (default all), each once, in the given order.
    static func configurations(_ a: Arguments, count: Int) throws(CommandError) -> [Int] {
        guard a.has("configurations") else { return Array(0..<count) }
        var chosen: [Int] = []
        for item in try a.list("configurations") {
            guard case .number(let x) = item, x == x.rounded(), x >= 0, x < Double(count) else {
                throw CommandError("configurations: expected whole numbers from 0 to \(count - 1) (this search has \(counted(count, "configuration"))), got \(item.literal)",
                                   parameter: "configurations")
            }
            if !chosen.contains(Int(x)) { chosen.append(Int(x)) }
        }
        return chosen
    }

    static func lostMessage(_ lost: Int) -> String {
        "\(counted(lost, "configuration")) missing (a task failed or was cancelled; see the missing column's logs); run the same line again to submit only those"
    }

    /// Checks what the workers cannot be given, and writes (or finds) the sweep's folder.
    func prepare() throws(CommandError) -> SweepFolder {
        if arguments.has("configurations") {
            throw CommandError("configurations: given to the workers by runner=slurm itself; a sweep runs every configuration", parameter: "configurations")
        }
        try Self.checkSendable(search)
        let folder = try prepareFolder(threads: threads)
        if !search.quiet { shell.print("\(command): " + search.header + "; runner=\((try? arguments.string("runner")) ?? "slurm") in \(folder.path)") }
        return folder
    }

    var threads: Int { ((try? arguments.optionalInt("cpus")) ?? nil) ?? shell.trainingThreads }

    /// The results in the folder (of halving round `round`).
    func results(_ folder: SweepFolder, round: Int? = nil) -> [Int: SweepFolder.Result] {
        folder.results(0..<search.space.count, runs: search.runsPerConfiguration, round: round)
    }

    /// Submits one array job for `missing` (among the sweep's `configurations`, whose tasks
    /// shards= fixes, so a re-run resubmits the same tasks with only what they lack) and
    /// waits for it. False for a dry run (the script printed, nothing submitted).
    func submitAndWait(_ folder: SweepFolder, configurations: [Int], missing: [Int], round: Int? = nil) throws(CommandError) -> Bool {
        let a = arguments
        if try a.string("runner") == "parallel" {
            return try runParallel(folder, configurations: configurations, missing: missing, round: round)
        }
        var missing = missing
        // A job of this sweep still queued or running (its script was stopped by Ctrl-C, which
        // ends a script but not the job): wait for it rather than submit its work again.
        if !a.bool("dry"), let job = folder.job, job.id.allSatisfy(\.isNumber), !(try SlurmJob.activeTasks(of: job.id)).isEmpty {
            shell.print("Slurm job \(job.id) of this sweep is still queued or running: waiting for it (Ctrl-C cancels it)")
            try wait(for: job.id, tasks: job.tasks, folder: folder, round: round)
            let found = results(folder, round: round)
            missing = missing.filter { found[$0] == nil }
            if missing.isEmpty { return true }
        }
        var settings = SlurmJob.Settings(partition: try a.optionalString("partition"), time: try a.optionalString("time"), cpus: threads)
        settings.extraFlags = try (a.optionalString("sbatch") ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        let tasks = SlurmJob.tasks(for: configurations, shards: try a.optionalInt("shards"))
            .map { $0.filter(missing.contains) }.filter { !$0.isEmpty }
        let script = SlurmJob.batchScript(folder: folder, tasks: tasks, settings: settings, nnsh: Self.executable,
                                          sets: round.map { ["sweep_round=\($0)"] } ?? [])
        try shell.writeTextFile(folder.batchScript, script, parameter: "dir")
        if a.bool("dry") {
            shell.print(String(script.dropLast()))
            shell.print("dry run: not submitted (sbatch \(folder.batchScript) would run \(counted(tasks.count, "task")) for \(counted(missing.count, "missing configuration")))")
            return false
        }
        let id = try SlurmJob.submit(folder.batchScript)
        try shell.writeTextFile(folder.jobRecord, SweepFolder.Job(id: id, tasks: tasks).text, parameter: "dir")
        if !search.quiet {
            shell.print("submitted Slurm job \(id)" + (round.map { " (round \($0))" } ?? "")
                        + ": \(counted(tasks.count, "task")) for \(counted(missing.count, "configuration")); logs in \(folder.logs)")
        }
        try wait(for: id, tasks: tasks, folder: folder, round: round)
        return true
    }

    /// runner=parallel: the same tasks run by GNU parallel; waits for it with a progress line,
    /// Ctrl-C stops it (and its running tasks).
    private func runParallel(_ folder: SweepFolder, configurations: [Int], missing: [Int], round: Int?) throws(CommandError) -> Bool {
        let a = arguments
        let tasks = SlurmJob.tasks(for: configurations, shards: try a.optionalInt("shards"))
            .map { $0.filter(missing.contains) }.filter { !$0.isEmpty }
        let job = "parallel" + String(UUID().uuidString.prefix(8)).lowercased()
        let commands = ParallelJob.commands(folder: folder, job: job, tasks: tasks, nnsh: Self.executable,
                                            sets: round.map { ["sweep_round=\($0)"] } ?? [])
        let file = folder.file("tasks.txt")
        try shell.writeTextFile(file, commands, parameter: "dir")
        let slots = max(1, ProcessInfo.processInfo.activeProcessorCount / threads)
        let arguments = ParallelJob.arguments(commandsFile: file, hosts: try a.optionalString("hosts"), slots: slots)
        if a.bool("dry") {
            shell.print(String(commands.dropLast()))
            shell.print("dry run: not started (\(arguments.joined(separator: " ")) would run \(counted(tasks.count, "task")) for \(counted(missing.count, "missing configuration")))")
            return false
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/parallel") }) else {
            throw CommandError("runner=parallel: GNU parallel was not found on PATH (apt-get install parallel)", parameter: "runner")
        }
        try shell.writeTextFile(folder.jobRecord, SweepFolder.Job(id: job, tasks: tasks).text, parameter: "dir")
        let process = try ParallelJob.start(arguments, log: folder.file("logs/\(job).log"))
        if !search.quiet {
            shell.print("started GNU parallel" + (round.map { " (round \($0))" } ?? "") + ": \(counted(tasks.count, "task")) for \(counted(missing.count, "configuration")); logs in \(folder.logs)")
        }
        var last = ""
        while true {
            let running = process.isRunning
            let results = folder.results(missing, runs: search.runsPerConfiguration, round: round)
            let done = missing.filter { results[$0] != nil }.count
            let line = "parallel: \(done) of \(counted(missing.count, "configuration")) done"
            if line != last, !search.quiet { shell.print(line) }
            last = line
            if !running { break }
            for _ in 0..<10 where process.isRunning {
                if shell.isInterrupted() {
                    // parallel stops starting tasks on the first signal and kills the running ones on the second.
                    process.terminate()
                    Thread.sleep(forTimeInterval: 0.2)
                    process.terminate()
                    process.waitUntilExit()
                    shell.acknowledgeInterrupt()
                    shell.print("Ctrl-C: stopped GNU parallel; finished configurations are kept")
                    return true
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        return true
    }

    /// Polls squeue until no task is queued or running, printing the counts when they change;
    /// Ctrl-C cancels the job (scancel).
    private func wait(for job: String, tasks: [[Int]], folder: SweepFolder, round: Int?) throws(CommandError) {
        var last = ""
        while true {
            let active = try SlurmJob.activeTasks(of: job)
            let results = folder.results(tasks.joined(), runs: search.runsPerConfiguration, round: round)
            var pending = 0, running = 0, done = 0, failed = 0
            for (t, configurations) in tasks.enumerated() {
                switch active[t] {
                case .pending?: pending += 1
                case .running?: running += 1
                case nil: if configurations.allSatisfy({ results[$0] != nil }) { done += 1 } else { failed += 1 }
                }
            }
            let line = "Slurm job \(job): \(pending) pending, \(running) running, \(done) done, \(failed) failed"
            if line != last, !search.quiet || active.isEmpty && failed > 0 { shell.print(line) }
            last = line
            if active.isEmpty { return }
            for _ in 0..<10 {
                if shell.isInterrupted() {
                    try SlurmJob.cancel(job)
                    shell.acknowledgeInterrupt()
                    shell.print("Ctrl-C: cancelled Slurm job \(job) (scancel \(job)); finished configurations are kept")
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    /// The table of what the folder holds: a row per configuration in order, the same as a
    /// local grid's for those with results; the others with no score and `missing` (their log).
    func table(_ folder: SweepFolder) -> TableObject {
        Self.merge(search, results: results(folder).mapValues(\.scores), log: { folder.logPath(of: $0) ?? "(not submitted)" })
    }

    static func merge(_ search: Search, results: [Int: [Double]], log: (Int) -> String) -> TableObject {
        let table = TableObject()
        for i in 0..<search.space.count {
            let trial = Search.Trial(index: i, settings: search.space.configuration(i))
            if let scores = results[i] {
                trial.scores = scores
                table.append(search.row(trial))
            } else {
                var row: [(String, Value)] = trial.settings.map { ($0.name, $0.value) }
                row.append((search.score, .none))
                if search.runsPerConfiguration > 1 { row.append((search.score + "_std", .none)) }
                row.append(("missing", .string(log(i))))
                table.append(row)
            }
        }
        return table
    }

    private func bestRow(_ table: TableObject) -> String? {
        var best: (label: String, score: Double)?
        for (i, row) in table.rows.enumerated() {
            guard case .number(let x)? = row[search.score] else { continue }
            if best == nil || search.isBetter(x, than: best!.score) { best = (SearchSpace.label(search.space.configuration(i)), x) }
        }
        return best.map { "\($0.label)  \(search.score) " + EpochLine.figure($0.score) }
    }

    /// This nnsh, which every task runs (the folder and the executable must be where the
    /// nodes see them).
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    // MARK: The folder

    /// Writes the data, the network, their checksums and the workers' script to a staging
    /// folder, then makes it the sweep's folder, or, when that folder already holds the
    /// same sweep, keeps it (and its results). A folder holding another sweep is an error.
    private func prepareFolder(threads: Int) throws(CommandError) -> SweepFolder {
        let a = arguments
        let given = try a.optionalString("dir")
        let parent = given.map { SweepFolder($0).path }.map { ($0 as NSString).deletingLastPathComponent }
            ?? FileManager.default.currentDirectoryPath
        let staging = SweepFolder(parent + "/.nnsh-sweep-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: staging.path) }
        do {
            try FileManager.default.createDirectory(atPath: staging.path, withIntermediateDirectories: true)
        } catch {
            throw CommandError("dir: cannot make a folder in \(parent): \((error as NSError).localizedDescription)", parameter: "dir")
        }
        try save(search.template, data: try a.dataset("data"), validation: try a.optionalObject("validate", as: DatasetObject.self), in: staging)
        let checksums = try staging.checksumText()
        let identity = SHA256.hash(Array((checksums + workerScript(folder: "$DIR", threads: threads)).utf8)).hexString
        let folder = SweepFolder(given ?? "sweep-" + identity.prefix(12))
        let script = workerScript(folder: folder.path, threads: threads)
        let existing = try? String(contentsOfFile: folder.script, encoding: .utf8)
        if let existing {
            let sums = try? String(contentsOfFile: folder.checksums, encoding: .utf8)
            guard existing == script, sums == checksums else {
                throw CommandError("dir: \(folder.path) holds another sweep (other options, data, network or seed); give another dir= or remove it"
                                   + (a.has("seed") ? "" : " (give seed= so that running the line again finds its sweep)"), parameter: "dir")
            }
            return folder
        }
        do {
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: folder.logs, withIntermediateDirectories: true)
            for name in SweepFolder.checkedFiles where FileManager.default.fileExists(atPath: staging.file(name)) {
                try? FileManager.default.removeItem(atPath: folder.file(name))
                try FileManager.default.moveItem(atPath: staging.file(name), toPath: folder.file(name))
            }
        } catch {
            throw CommandError("dir: cannot write the sweep to \(folder.path): \((error as NSError).localizedDescription)", parameter: "dir")
        }
        try shell.writeTextFile(folder.checksums, checksums, parameter: "dir")
        try shell.writeTextFile(folder.script, script, parameter: "dir")
        return folder
    }

    /// The untrained network and the data as the workers read them; data that would not read
    /// back exactly is refused here rather than trained on differently there.
    private func save(_ net: NetworkObject, data: DatasetObject, validation: DatasetObject?, in folder: SweepFolder) throws(CommandError) {
        do {
            try ModelFile.write(net.network, to: folder.file("net.nnm"))
        } catch {
            throw CommandError("net: cannot be saved for the workers: \(error.description)", parameter: "net")
        }
        for (name, parameter, set) in [("data.npz", "data", Optional(data)), ("validate.npz", "validate", validation)] {
            guard let set else { continue }
            let path = folder.file(name)
            do {
                try set.dataset.numpyArchive().write(to: path)
                let back = try Dataset.loadNumPy(archive: path, inputs: Dataset.NumPyKey.inputs, labels: nil)
                guard back.contentDigest() == set.dataset.contentDigest() else {
                    throw CommandError("\(parameter): does not read back exactly from a .npz file, so the workers could not train on the same data", parameter: parameter)
                }
            } catch let error as CommandError {
                throw error
            } catch {
                throw CommandError("\(parameter): cannot be saved for the workers: \(error)", parameter: parameter)
            }
        }
    }

    /// The script every task runs: the grid line again, with everything resolved (the seed,
    /// the score, exact numbers) and the configurations left to `--set configurations=[…]`.
    func workerScript(folder: String, threads: Int) -> String {
        let a = arguments, f = SweepFolder(folder)
        var words = [command, "net", "data"] + ownWords
        for axis in search.space.axes { words.append("\(axis.name)=" + Self.exactLiteral(.list(axis.values))) }
        for (name, value) in search.space.fixed { words.append("\(name)=" + Self.exactLiteral(value)) }
        if let k = try? a.optionalInt("folds") { words.append("folds=\(k)") }
        if a.has("validate") { words.append("validate=validation") }
        if let h = try? a.optionalNumber("holdout") { words.append("holdout=" + Self.exactLiteral(.number(h))) }
        words.append("repeats=\(search.repeats.count)")
        words.append("seed=\(search.repeats[0].seed)")
        words.append("score=" + Value.string(search.score).literal)
        words.append("dir=" + Value.string(folder == "$DIR" ? folder : f.path).literal)
        words.append("configurations=configurations")
        if command == "halving" { words.append("round=sweep_round") }
        words.append("quiet")
        let place = folder == "$DIR" ? "$DIR" : f.path
        var lines = [
            "# A task of an nnsh sweep (\(command) … runner=slurm). Each Slurm array task runs",
            "#   nnsh --set configurations=[…]" + (command == "halving" ? " --set sweep_round=<r>" : "") + " \(place)/sweep.nnsh",
            "# The grid checks \(place)/checksums.sha256 before it trains, and writes each",
            "# configuration's scores to \(place)/results.",
            "set threads \(threads)",
            "net = load " + Value.string(place + "/net.nnm").literal,
            "data = npz " + Value.string(place + "/data.npz").literal,
        ]
        if a.has("validate") { lines.append("validation = npz " + Value.string(place + "/validate.npz").literal) }
        lines.append(words.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// A value as nnsh source that reads back to the same bits (numbers in full, unlike `literal`).
    static func exactLiteral(_ v: Value) -> String {
        switch v {
        case .number(let x) where x.isFinite && !(x == x.rounded() && abs(x) < 1e15): return "\(x)"
        case .list(let items): return "[" + items.map(exactLiteral).joined(separator: ", ") + "]"
        case .range(let r): return exactLiteral(.number(r.lower)) + (r.inclusive ? "..." : "..<") + exactLiteral(.number(r.upper))
        default: return v.literal
        }
    }

    /// Options the workers cannot be given: values that are not plain data.
    static func checkSendable(_ search: Search) throws(CommandError) {
        for (name, value) in search.space.fixed + search.space.axes.flatMap({ axis in axis.values.map { (axis.name, $0) } }) {
            if case .object = value {
                throw CommandError("\(name): runner=slurm sends only numbers, strings and lists to its workers, not \(value.typeDescription)", parameter: name)
            }
            if case .number(let x) = value, !x.isFinite {
                throw CommandError("\(name): runner=slurm cannot send \(formatNumber(x)) to its workers", parameter: name)
            }
        }
        if search.score.hasPrefix("true_") {
            throw CommandError("score: \(search.score) needs the noiseless targets, which the saved data do not carry; runner=slurm cannot score it", parameter: "score")
        }
    }
}
