import Engine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TensorBoard event file that training writes one record to per epoch, in a run folder
/// (`tensorboard --logdir runs` shows `runs/exp1`):
///
///     runs/exp1/events.out.tfevents.<seconds>.<host>.<pid>.<n>
///
/// The file starts with the `file_version` event; each epoch then adds the scalars `loss`,
/// `accuracy` (or `mse` for regression), `val_loss` and `val_accuracy` (or `val_mse`) when
/// there is validation, and `lr` when the epoch's rate is known, at step = the epoch's number
/// in the network's history (so a later `train` continues the curves). Each record is flushed
/// as it is written, so TensorBoard shows a run while it trains.
///
///     let log = try TensorBoardLog(folder: "runs/exp1")
///     log.append(record)          // from the trainer's epoch callback
public final class TensorBoardLog {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// The event file.
    public let path: String
    private var file: UnsafeMutablePointer<FILE>?
    /// The first write that failed (a full disk); later records are not written.
    public private(set) var failure: Failure?

    /// Creates `folder` (and its parents) when missing, and a new event file in it.
    public init(folder: String) throws(Failure) {
        try Self.makeFolders(folder)
        var host = [CChar](repeating: 0, count: 256)
        let hostName = gethostname(&host, host.count - 1) == 0 ? String(cString: host) : "localhost"
        let base = "\(folder)/events.out.tfevents.\(time(nil)).\(hostName.isEmpty ? "localhost" : hostName).\(getpid())"
        var made: (UnsafeMutablePointer<FILE>, String)? = nil
        for n in 0..<1000 {
            let candidate = "\(base).\(n)"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0, let f = fdopen(fd, "wb") { made = (f, candidate); break }
            if errno != EEXIST { throw Failure(path: folder, message: "cannot create an event file: \(String(cString: strerror(errno)))") }
        }
        guard let made else { throw Failure(path: folder, message: "cannot create an event file: too many in this second") }
        (file, path) = made
        write(TensorBoardEvent(wallTime: Self.now(), step: 0, fileVersion: "brain.Event:2"))
        if let failure { throw failure }
    }

    deinit { if let file { fclose(file) } }

    /// Writes the scalars of a complete epoch (an epoch stopped by Ctrl-C is left out: it is
    /// trained again when the run resumes).
    public func append(_ r: EpochRecord) {
        guard r.complete else { return }
        let metric = r.metric.rawValue
        var scalars: [(String, Float)] = [("loss", Float(r.trainingLoss)), (metric, Float(r.trainingMetric))]
        if let v = r.validationLoss { scalars.append(("val_loss", Float(v))) }
        if let v = r.validationMetric { scalars.append(("val_" + metric, Float(v))) }
        if let lr = r.learningRate { scalars.append(("lr", Float(lr))) }
        write(TensorBoardEvent(wallTime: Self.now(), step: r.epoch, scalars: scalars.map { (tag: $0.0, value: $0.1) }))
    }

    /// Ends the file; later appends are ignored.
    public func close() {
        if let file { fclose(file) }
        file = nil
    }

    private func write(_ event: TensorBoardEvent) {
        guard failure == nil, let file else { return }
        let bytes = TensorBoardEvent.record(event.encoded)
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != bytes.count || fflush(file) != 0 {
            failure = Failure(path: path, message: "cannot write: \(String(cString: strerror(errno)))")
        }
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// `mkdir -p`: each missing folder of `path`, refusing a part that is not a folder.
    private static func makeFolders(_ path: String) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw Failure(path: path, message: prefix == path ? "not a folder" : "\(prefix) is not a folder")
                }
            } else if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw Failure(path: path, message: "cannot create the folder \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }
}
