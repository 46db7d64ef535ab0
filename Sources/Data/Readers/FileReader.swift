import CZlib
import Engine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file front to back in chunks, gunzipping it on the fly when it is gzip'ed (zlib's
/// gz* functions pass other files through unchanged), so every reader accepts `name.gz` too.
///
///     var reader = try FileReader(path: "t10k-labels-idx1-ubyte.gz")
///     let header = try reader.read(8)          // fewer bytes only at the end of the file
struct FileReader: ~Copyable {
    let path: String
    private let file: gzFile
    /// True when the file is stored as is (not gzip'ed).
    let isPlain: Bool
    /// The size of the file on disk, in bytes.
    let sizeOnDisk: Int

    init(path: String) throws(DataError) {
        self.path = path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataError(.cannotRead, file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DataError(.cannotRead, file: path, "not a regular file")
        }
        guard let file = gzopen(path, "rb") else {
            throw DataError(.cannotRead, file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        gzbuffer(file, 1 << 20)   // larger than the 8 KiB default: fewer system calls, faster inflate
        self.file = file
        self.sizeOnDisk = Int(info.st_size)
        self.isPlain = gzdirect(file) != 0
    }

    deinit { gzclose(file) }

    /// The error of a read stopped by its caller after `bytes` bytes.
    func stopped(after bytes: Int) -> DataError {
        DataError(.stopped, file: path, "stopped after reading \(bytes) bytes")
    }

    /// Fills `buffer` as far as the file allows; returns the number of bytes read, which is
    /// less than `buffer.count` only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
        var done = 0
        while done < buffer.count {
            let chunk = UInt32(min(buffer.count - done, 1 << 30))
            let n = gzread(file, buffer.baseAddress! + done, chunk)
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                throw DataError(.cannotRead, file: path, "cannot read: \(message)")
            }
            if n == 0 { break }
            done += Int(n)
        }
        if done < buffer.count {
            // At the end of the input zlib says Z_BUF_ERROR when a gzip stream was cut short.
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
            if code == Z_BUF_ERROR {
                throw DataError(.truncated, file: path, "truncated gzip data (the compressed stream is cut short)")
            }
            if code != Z_OK { throw DataError(.cannotRead, file: path, "cannot read: \(message)") }
        }
        return done
    }

    /// Up to `count` bytes (fewer only at the end of the file), read in chunks of at most
    /// 16 MiB so a header claiming a huge size costs memory only as data actually arrives.
    /// `shouldStop` is asked before each chunk: when it says true, the read throws `.stopped`.
    func read(_ count: Int, shouldStop: () -> Bool = { false }) throws(DataError) -> [UInt8] {
        var out = [UInt8]()
        while out.count < count {
            if shouldStop() { throw stopped(after: out.count) }
            let n = min(count - out.count, 1 << 24)
            var failure: DataError? = nil
            let chunk = [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
                do throws(DataError) {
                    initialized = try read(into: UnsafeMutableRawBufferPointer(buffer))
                } catch {
                    failure = error
                    initialized = 0
                }
            }
            if let failure { throw failure }
            if out.isEmpty { out = chunk } else { out += chunk }
            if chunk.count < n { break }
        }
        return out
    }

    /// The whole (decompressed) file, refusing more than `limit` bytes or than the memory
    /// limit: a plain file by its size, a gzip'ed one by its decompressed bytes as they arrive.
    /// `shouldStop` is asked before each chunk of 16 MiB, as in `read(_:shouldStop:)`.
    static func readAll(path: String, limit: Int = 1 << 31, shouldStop: () -> Bool = { false }) throws(DataError) -> [UInt8] {
        let reader = try FileReader(path: path)
        if reader.isPlain { try checkMemory(count: reader.sizeOnDisk, bytesEach: 1, for: "the file", file: path) }
        let memory = MemoryLimit.room
        var bytes: [UInt8] = []
        while true {
            if shouldStop() { throw reader.stopped(after: bytes.count) }
            let chunk = try reader.read(Swift.min(1 << 24, limit + 1 - bytes.count))
            bytes += chunk
            if bytes.count > limit { throw DataError(.tooLarge, file: path, "larger than \(limit >> 20) MiB") }
            if bytes.count > memory {
                throw DataError(.tooLarge, file: path, "decompressed, the file is larger than \(MemoryLimit.describe(room: memory))")
            }
            if chunk.isEmpty { return bytes }
        }
    }
}

/// True when `path` names an existing regular file.
func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
}
