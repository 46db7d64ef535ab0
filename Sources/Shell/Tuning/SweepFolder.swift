import Engine
import Foundation

/// The folder a sweep shares with its workers (`grid … runner=slurm`), on a file system every
/// node sees:
///
///     sweep.nnsh         the script every task runs: nnsh --set configurations=[…] sweep.nnsh
///     net.nnm            the untrained network (its architecture; weights come from the seeds)
///     data.npz           the data (validate.npz: the validation set, when given)
///     checksums.sha256   SHA-256 of those files (sha256sum -c reads it); each worker checks it
///     batch.sh           the last batch script submitted; job: its job id and tasks
///     results/<i>.txt    configuration i's run scores, each written atomically by its worker
///     logs/              each array task's output (task-<job>-<task>.log)
struct SweepFolder {
    /// The folder's absolute path.
    let path: String

    init(_ path: String) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        self.path = (absolute as NSString).standardizingPath
    }

    static let checkedFiles = ["net.nnm", "data.npz", "validate.npz"]

    func file(_ name: String) -> String { path + "/" + name }
    var script: String { file("sweep.nnsh") }
    var checksums: String { file("checksums.sha256") }
    var batchScript: String { file("batch.sh") }
    var jobRecord: String { file("job") }
    var logs: String { file("logs") }
    func result(_ configuration: Int) -> String { file("results/\(configuration).txt") }
    /// The log of array task `task` of job `job` (the batch script's --output pattern).
    func log(job: String, task: Int) -> String { logs + "/task-\(job)-\(task).log" }
    static let logPattern = "task-%A-%a.log"

    /// `sha256sum` lines ("<hex>  <name>") for the checked files present in the folder.
    func checksumText() throws(CommandError) -> String {
        var lines: [String] = []
        for name in Self.checkedFiles where FileManager.default.fileExists(atPath: file(name)) {
            lines.append(try Self.sha256(ofFile: file(name)) + "  " + name)
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// A worker's check: every file checksums.sha256 names has that SHA-256; a missing or
    /// changed file is an error naming it.
    func verify() throws(CommandError) {
        guard let text = try? String(contentsOfFile: checksums, encoding: .utf8) else {
            throw CommandError("dir: \(path) holds no sweep (no checksums.sha256); grid … runner=slurm writes one", parameter: "dir")
        }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { throw CommandError("dir: \(checksums): a line is not '<sha256>  <file>': \(line)", parameter: "dir") }
            let expected = String(parts[0]), name = parts[1].trimmingCharacters(in: .whitespaces)
            let actual: String
            do { actual = try Self.sha256(ofFile: file(name)) } catch {
                throw CommandError("dir: \(file(name)) is missing or unreadable; the sweep's files must reach every worker", parameter: "dir")
            }
            guard actual == expected else {
                throw CommandError("dir: \(file(name)) has SHA-256 \(actual), not \(expected) as checksums.sha256 says: the file changed after the sweep was written; nothing was trained",
                                   parameter: "dir")
            }
        }
    }

    static func sha256(ofFile path: String) throws(CommandError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("cannot read \(path)") }
        return SHA256.hash([UInt8](data)).hexString
    }

    // MARK: Results

    /// A result file's text: per run (repeat-major, then split) its score's bits in hex, then
    /// the score readably. The bits make the merged table equal to a local grid's.
    static func resultText(_ scores: [Double]) -> String {
        scores.map { "0x" + String($0.bitPattern, radix: 16) + " " + "\($0)" + "\n" }.joined()
    }

    /// The scores of a result file's text, nil when it is not one (empty, or a line without bits).
    static func scores(fromResultText text: String) -> [Double]? {
        var scores: [Double] = []
        for line in text.split(separator: "\n") {
            guard let word = line.split(separator: " ").first, word.hasPrefix("0x"),
                  let bits = UInt64(word.dropFirst(2), radix: 16) else { return nil }
            scores.append(Double(bitPattern: bits))
        }
        return scores.isEmpty ? nil : scores
    }

    /// Writes configuration `i`'s scores: to a temporary file, then renamed into place, so a
    /// killed worker leaves no half-written result.
    func writeResult(_ i: Int, scores: [Double]) throws(CommandError) {
        do {
            try FileManager.default.createDirectory(atPath: file("results"), withIntermediateDirectories: true)
            let temporary = file("results/.\(i).txt.\(ProcessInfo.processInfo.processIdentifier)")
            try Self.resultText(scores).write(toFile: temporary, atomically: false, encoding: .utf8)
            guard rename(temporary, result(i)) == 0 else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw CommandError("cannot write \(result(i)): \(String(cString: strerror(errno)))", parameter: "dir")
            }
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot write \(result(i)): \((error as NSError).localizedDescription)", parameter: "dir")
        }
    }

    /// The scores of the configurations among `0..<count` that have a result with `runs` scores.
    func results(count: Int, runs: Int) -> [Int: [Double]] {
        var found: [Int: [Double]] = [:]
        for i in 0..<count {
            if let text = try? String(contentsOfFile: result(i), encoding: .utf8),
               let scores = Self.scores(fromResultText: text), scores.count == runs {
                found[i] = scores
            }
        }
        return found
    }

    // MARK: The submitted job

    /// The last submission: its job id and, per array task, its configurations.
    struct Job: Equatable {
        let id: String
        let tasks: [[Int]]

        var text: String { "job \(id)\n" + tasks.enumerated().map { "task \($0.offset) \($0.element.map(String.init).joined(separator: " "))\n" }.joined() }

        init(id: String, tasks: [[Int]]) {
            self.id = id
            self.tasks = tasks
        }

        init?(text: String) {
            var id: String?
            var tasks: [[Int]] = []
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                if words.first == "job", words.count == 2 { id = words[1] }
                if words.first == "task", words.count >= 2, Int(words[1]) == tasks.count {
                    tasks.append(words.dropFirst(2).compactMap { Int($0) })
                }
            }
            guard let id else { return nil }
            self.init(id: id, tasks: tasks)
        }
    }

    var job: Job? { (try? String(contentsOfFile: jobRecord, encoding: .utf8)).flatMap(Job.init(text:)) }

    /// Where configuration `i`'s worker wrote its output in the last submission.
    func logPath(of configuration: Int) -> String? {
        guard let job, let task = job.tasks.firstIndex(where: { $0.contains(configuration) }) else { return nil }
        return log(job: job.id, task: task)
    }
}
