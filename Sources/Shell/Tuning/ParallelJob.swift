import Engine
import Foundation

/// The GNU parallel side of a sweep (`runner=parallel`), for groups without Slurm: the tasks a
/// Slurm array job would have, one shell command each, run by `parallel` on this machine or
/// over `--sshlogin` hosts that see the sweep's folder and the nnsh executable at the same paths.
enum ParallelJob {
    /// One command per task: nnsh on the task's configurations, its output to the task's log.
    static func commands(folder: SweepFolder, job: String, tasks: [[Int]], nnsh: String, sets: [String] = []) -> String {
        tasks.enumerated().map { t, task in
            SlurmJob.shellQuoted(nnsh) + " --set " + SlurmJob.shellQuoted("configurations=[\(task.map(String.init).joined(separator: ", "))]")
                + sets.map { " --set " + SlurmJob.shellQuoted($0) }.joined() + " " + SlurmJob.shellQuoted(folder.script)
                + " > " + SlurmJob.shellQuoted(folder.log(job: job, task: t)) + " 2>&1\n"
        }.joined()
    }

    /// `parallel`'s arguments: the commands file, run `slots` at a time here, or over `hosts`
    /// (its --sshlogin list, e.g. "4/node1,4/node2").
    static func arguments(commandsFile: String, hosts: String?, slots: Int) -> [String] {
        ["parallel", "--will-cite", "--halt", "never"] + (hosts.map { ["--sshlogin", $0] } ?? ["--jobs", "\(slots)"])
            + ["--arg-file", commandsFile]
    }

    /// Starts `parallel`; the caller waits for it (or stops it).
    static func start(_ arguments: [String], log: String) throws(CommandError) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: log, contents: nil)
        let output = FileHandle(forWritingAtPath: log)
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = output ?? FileHandle.nullDevice
        do { try process.run() } catch {
            throw CommandError("runner=parallel: cannot run parallel: \(error.localizedDescription)")
        }
        return process
    }
}
