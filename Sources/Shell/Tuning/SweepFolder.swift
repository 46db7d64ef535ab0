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
///                        (halving: results/round-<r>/<i>.txt, with the epochs trained)
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

    /// A configuration's runs (repeat-major, then split): their scores, and for halving the
    /// epochs trained in all.
    struct Result {
        var scores: [Double]
        var epochs: Int?
    }

    /// Where a worker writes configuration `i`'s result (of halving round `round`).
    func result(_ i: Int, round: Int? = nil) -> String {
        file("results/" + (round.map { "round-\($0)/" } ?? "") + "\(i).txt")
    }

    /// A result file's text: per run its score's bits in hex, then the score readably; then
    /// `epochs N` when given. The bits make the merged table equal to a local run's.
    static func resultText(_ scores: [Double], epochs: Int? = nil) -> String {
        scores.map { "0x" + String($0.bitPattern, radix: 16) + " " + "\($0)" + "\n" }.joined() + (epochs.map { "epochs \($0)\n" } ?? "")
    }

    /// The result in a file's text, nil when it is not one (no scores, or a line it does not know).
    static func result(fromText text: String) -> Result? {
        var result = Result(scores: [])
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, words[0] == "epochs", let n = Int(words[1]) {
                result.epochs = n
                continue
            }
            guard let word = words.first, word.hasPrefix("0x"), let bits = UInt64(word.dropFirst(2), radix: 16) else { return nil }
            result.scores.append(Double(bitPattern: bits))
        }
        return result.scores.isEmpty ? nil : result
    }

    static func scores(fromResultText text: String) -> [Double]? { result(fromText: text)?.scores }

    /// Writes configuration `i`'s result: to a temporary file, then renamed into place, so a
    /// killed worker leaves no half-written result.
    func writeResult(_ i: Int, round: Int? = nil, scores: [Double], epochs: Int? = nil) throws(CommandError) {
        let path = result(i, round: round)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temporary = (path as NSString).deletingLastPathComponent + "/.\(i).txt.\(ProcessInfo.processInfo.processIdentifier)"
            try Self.resultText(scores, epochs: epochs).write(toFile: temporary, atomically: false, encoding: .utf8)
            guard rename(temporary, path) == 0 else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw CommandError("cannot write \(path): \(String(cString: strerror(errno)))", parameter: "dir")
            }
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot write \(path): \((error as NSError).localizedDescription)", parameter: "dir")
        }
    }

    /// The results of `configurations` (of halving round `round`) that have `runs` scores.
    func results(_ configurations: some Sequence<Int>, runs: Int, round: Int? = nil) -> [Int: Result] {
        var found: [Int: Result] = [:]
        for i in configurations {
            if let text = try? String(contentsOfFile: result(i, round: round), encoding: .utf8),
               let r = Self.result(fromText: text), r.scores.count == runs {
                found[i] = r
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
