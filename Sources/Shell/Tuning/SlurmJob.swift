import Engine
import Foundation

/// The Slurm side of a sweep: the batch script of one array job, and `sbatch`, `squeue` and
/// `scancel` run as processes. Nothing here knows what a task trains: each array task runs
/// nnsh on the sweep's script with its configurations (`SweepFolder`).
enum SlurmJob {
    /// The usual sbatch settings.
    struct Settings: Equatable {
        var partition: String?
        var time: String?
        var cpus: Int = 1
        /// More sbatch options, each written as an #SBATCH line (`--hold`, `--mem=2G`).
        var extraFlags: [String] = []
    }

    /// The batch script: array task t runs nnsh with `configurations=` set to `tasks[t]` (and
    /// `sets`, more name=value pairs: halving's round=).
    static func batchScript(folder: SweepFolder, tasks: [[Int]], settings: Settings, nnsh: String, sets: [String] = []) -> String {
        let configurations = tasks.reduce(0) { $0 + $1.count }
        var lines = [
            "#!/bin/bash",
            "#SBATCH --job-name=nnsh-sweep",
            "#SBATCH --array=0-\(tasks.count - 1)",
            "#SBATCH --cpus-per-task=\(settings.cpus)",
            "#SBATCH --output=" + directiveQuoted("\(folder.logs)/\(SweepFolder.logPattern)"),
        ]
        if let p = settings.partition { lines.append("#SBATCH --partition=\(p)") }
        if let t = settings.time { lines.append("#SBATCH --time=\(t)") }
        lines += settings.extraFlags.map { "#SBATCH \($0)" }
        lines += [
            "# An nnsh sweep: \(counted(tasks.count, "task")) for \(counted(configurations, "configuration")) (numbered from 0 in table order).",
            "# Each task trains its configurations with \(folder.script) and writes their scores",
            "# to \(folder.path)/results; the worker checks checksums.sha256 first.",
            "case \"$SLURM_ARRAY_TASK_ID\" in",
        ]
        for (t, task) in tasks.enumerated() {
            lines.append("  \(t)) configurations=\"[\(task.map(String.init).joined(separator: ", "))]\" ;;")
        }
        lines += [
            "  *) echo \"nnsh sweep: no array task '$SLURM_ARRAY_TASK_ID' in this job\" >&2; exit 2 ;;",
            "esac",
            "exec \(shellQuoted(nnsh)) --set \"configurations=$configurations\" "
                + sets.map { "--set \(shellQuoted($0)) " }.joined() + shellQuoted(folder.script),
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The array tasks for `configurations`: `shards` tasks (default one per configuration),
    /// the configurations dealt out in turn (with 8 and shards=3: [0, 3, 6], [1, 4, 7], [2, 5]).
    static func tasks(for configurations: [Int], shards: Int?) -> [[Int]] {
        let n = max(1, min(shards ?? configurations.count, configurations.count))
        var tasks = Array(repeating: [Int](), count: n)
        for (k, c) in configurations.enumerated() { tasks[k % n].append(c) }
        return tasks.filter { !$0.isEmpty }
    }

    /// An #SBATCH option's value: in double quotes when it has a space (sbatch splits on spaces).
    static func directiveQuoted(_ s: String) -> String {
        s.contains(where: \.isWhitespace) ? "\"" + s + "\"" : s
    }

    static func shellQuoted(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    // MARK: Slurm's commands

    /// Submits the batch script; returns the job id.
    static func submit(_ script: String) throws(CommandError) -> String {
        let out = try run(["sbatch", "--parsable", script])
        guard out.status == 0 else { throw CommandError("runner=slurm: sbatch refused the job: \(firstLine(out.error))") }
        let id = out.output.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw CommandError("runner=slurm: sbatch gave no job id (it said '\(firstLine(out.output))')") }
        return id
    }

    /// What a task is doing, as the progress line counts it.
    enum TaskState { case pending, running }

    /// The array tasks of `job` that Slurm still has queued or running (finished ones are
    /// left out, as is a job Slurm no longer knows).
    static func activeTasks(of job: String) throws(CommandError) -> [Int: TaskState] {
        let out = try run(["squeue", "-h", "-r", "-j", job, "-o", "%K %T"])
        if out.status != 0 {
            if out.error.contains("Invalid job id") { return [:] }
            throw CommandError("runner=slurm: squeue failed: \(firstLine(out.error))")
        }
        return activeTasks(squeueOutput: out.output)
    }

    /// `squeue -h -r -o "%K %T"` lines ("3 RUNNING") as task states.
    static func activeTasks(squeueOutput: String) -> [Int: TaskState] {
        var tasks: [Int: TaskState] = [:]
        for line in squeueOutput.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count == 2, let task = Int(words[0]) else { continue }
            switch words[1] {
            case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD": tasks[task] = .pending
            case "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "STOPPED", "RESIZING", "SIGNALING", "STAGE_OUT": tasks[task] = .running
            default: continue
            }
        }
        return tasks
    }

    static func cancel(_ job: String) throws(CommandError) {
        let out = try run(["scancel", job])
        guard out.status == 0 else { throw CommandError("runner=slurm: scancel \(job) failed: \(firstLine(out.error))") }
    }

    /// Runs a Slurm command found on PATH; its status and output.
    static func run(_ arguments: [String]) throws(CommandError) -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw CommandError("runner=slurm: cannot run \(arguments[0]): \(error.localizedDescription)")
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationStatus
        if status == 127 {
            throw CommandError("runner=slurm: \(arguments[0]) was not found: Slurm's commands must be on PATH (is this a Slurm login node?)")
        }
        return (status, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    private static func firstLine(_ s: String) -> String {
        String(s.split(separator: "\n").first ?? "").trimmingCharacters(in: .whitespaces)
    }
}
