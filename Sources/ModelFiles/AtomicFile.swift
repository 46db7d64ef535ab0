import Engine
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe writes.
///
/// `write` puts the bytes in a temporary file in the same folder, flushes it to disk
/// (`fsync`), then renames it over the destination and flushes the folder. A crash, a full
/// disk or Ctrl-C at any point leaves either the old file or the new one, never a mixture;
/// on failure the temporary file is removed and the old file is untouched, and a signal that
/// ends the process mid-save has it removed too (`SaveInProgress`). Only regular files
/// are written: through a symbolic link, the file it leads to (the link stays); a FIFO, a
/// device or a folder at the path is refused, never replaced.
enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    static func write(_ bytes: [UInt8], to path: String) throws(ModelFileError) {
        if let room = simulatedFullDisks.withLock({ $0[folderOf(path)] }) {
            var left = room
            try write(bytes, to: path, chunkWriter: { fd, pointer, count in
                guard left > 0 else { errno = ENOSPC; return -1 }
                let n = systemWrite(fd, pointer, Swift.min(count, left))
                if n > 0 { left -= n }
                return n
            })
            return
        }
        try write(bytes, to: path, chunkWriter: { fd, pointer, count in systemWrite(fd, pointer, count) })
    }

    /// Test support: folders (as `folderOf` names them) in which `write` behaves as on a full
    /// disk, failing with ENOSPC after the given number of bytes of each file. Empty in use.
    static let simulatedFullDisks = Mutex<[String: Int]>([:])

    /// The same, with the `write(2)` call replaceable so tests can fail it midway.
    static func write(
        _ bytes: [UInt8], to path: String,
        chunkWriter: (Int32, UnsafeRawPointer, Int) -> Int
    ) throws(ModelFileError) {
        let target = try destination(path)
        let folder = folderOf(target)
        removeStaleTemporaries(in: folder)
        // The temporary file is recorded for the executable's signal handler (SIGTERM, SIGHUP,
        // Ctrl-C in a script) from just before it is created until the save ends.
        let (fd, temporary, recorded) = try createTemporary(in: folder, for: target, reporting: path)
        defer { if recorded { SaveInProgress.end() } }
        // Keep an existing file's permissions (a private model stays private).
        var existing = stat()
        if stat(target, &existing) == 0, (existing.st_mode & S_IFMT) == S_IFREG {
            _ = fchmod(fd, existing.st_mode & 0o7777)
        }
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        do throws(ModelFileError) {
            try writeAll(bytes, to: fd, path: path, chunkWriter: chunkWriter)
            guard fsync(fd) == 0 else { throw ioError("cannot flush to disk", path: path) }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw ioError("cannot finish writing", path: path) }
        guard rename(temporary, target) == 0 else { throw ioError("cannot replace the file", path: path) }
        committed = true
        // Make the rename itself durable; a failure here cannot undo it, so it is not an error.
        let folderFD = open(folder, O_RDONLY)
        if folderFD >= 0 { _ = fsync(folderFD); close(folderFD) }
    }

    /// The whole content of the regular file at `path`, read only after `check` has accepted
    /// its first `head` bytes (fewer when the file is shorter) and its size, and the size has
    /// passed the memory limit: a large file that is not what the caller reads is refused
    /// after its first bytes. `check`'s error is attributed to `path`.
    static func read(_ path: String, head: Int,
                     check: ([UInt8], Int) throws(ModelFileError) -> Void) throws(ModelFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ioError("cannot open", path: path, hint: readingHint) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ioError("cannot inspect", path: path, hint: readingHint) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ModelFileError(.io, "is not a regular file", hint: "give the path of a model file", path: path)
        }
        let size = Int(info.st_size)
        var bytes: [UInt8] = []
        try readAll(fd, into: &bytes, atMost: head, path: path)
        do { try check(bytes, size) } catch { throw error.at(path: path) }
        do {
            try MemoryLimit.check(count: size, bytesEach: 1, for: "reading the whole file")
        } catch {
            throw ModelFileError(.tooLarge, error.message, hint: "raise the memory limit", path: path,
                                 remedy: .raiseMemoryLimit)
        }
        bytes.reserveCapacity(size)
        try readAll(fd, into: &bytes, atMost: Int.max, path: path)
        return bytes
    }

    /// The whole content of the regular file at `path`, unchecked.
    static func read(_ path: String) throws(ModelFileError) -> [UInt8] {
        try read(path, head: 0) { (_: [UInt8], _: Int) throws(ModelFileError) in }
    }

    /// Test support: counts the bytes `read` takes from files, in the current task.
    @TaskLocal static var bytesRead: ByteCount?
    final class ByteCount: Sendable { let bytes = Atomic<Int>(0) }

    /// Appends to `bytes` what `fd` holds from its position, up to `limit` bytes or the end.
    private static func readAll(_ fd: Int32, into bytes: inout [UInt8], atMost limit: Int, path: String) throws(ModelFileError) {
        var buffer = [UInt8](repeating: 0, count: Swift.min(limit, 1 << 20))
        var left = limit
        while left > 0 {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, Swift.min($0.count, left)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot read", path: path, hint: readingHint)
            }
            if n == 0 { break }
            bytesRead?.bytes.add(n, ordering: .relaxed)
            bytes.append(contentsOf: buffer[0..<n])
            left -= n
        }
    }

    // MARK: - Pieces

    /// The folder holding `path` ("." for a bare file name).
    static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// The file `write` replaces: `path` itself when it is missing or a regular file, or the
    /// regular file a symbolic link at `path` leads to (so the link stays a link). Anything
    /// else is refused: renaming over it would replace a device, a FIFO or a folder with a file.
    static func destination(_ path: String) throws(ModelFileError) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return path }   // nothing there (or unreachable: writing says why)
        var target = path, isLink = false
        if (info.st_mode & S_IFMT) == S_IFLNK {
            isLink = true
            guard let resolved = realpath(path, nil) else {
                throw ModelFileError(.io, "cannot write here: it is a symbolic link to a missing file",
                                     hint: "give the path of a regular file, or of a new one", path: path)
            }
            target = String(cString: resolved)
            free(resolved)
            guard stat(target, &info) == 0 else { throw ioError("cannot inspect", path: path) }
        }
        let what: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return target
        case S_IFDIR: what = "a folder"
        case S_IFIFO: what = "a named pipe (FIFO)"
        case S_IFCHR, S_IFBLK: what = "a device"
        case S_IFSOCK: what = "a socket"
        default: what = "a special file"
        }
        throw ModelFileError(.io, "cannot write here: it is \(isLink ? "a symbolic link to " : "")\(what), not a regular file",
                             hint: "give the path of a regular file, or of a new one", path: path)
    }

    /// How long a temporary file must have been left unchanged before a later save may
    /// remove it (its process gone): a save in progress on another machine sharing the
    /// folder keeps writing to its file, and a PID there means nothing here.
    static let staleAfterSeconds = 600

    /// Removes the temporary files of saves that never finished (the process was killed:
    /// Ctrl-C in a script, a crash, a power cut): `.<name>.tmp-<pid>-<n>` files of this user
    /// in `folder` whose process no longer exists and which have not changed for
    /// `staleAfterSeconds`. Failures are ignored: this is tidying, not the save.
    static func removeStaleTemporaries(in folder: String) {
        guard let dir = opendir(folder) else { return }
        defer { closedir(dir) }
        let now = time(nil)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard name.hasPrefix("."), let pid = temporaryOwner(name), pid != getpid() else { continue }
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == getuid(),
                  now - info.st_mtim.tv_sec >= staleAfterSeconds else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(path) }
        }
    }

    /// The process id in a temporary file's name `.<name>.tmp-<pid>-<n>`, nil for other names.
    static func temporaryOwner(_ fileName: String) -> pid_t? {
        let scalars = Array(fileName.utf8), marker = Array(".tmp-".utf8)
        guard scalars.count > marker.count,
              let at = (0 ... scalars.count - marker.count).last(where: { Array(scalars[$0 ..< $0 + marker.count]) == marker }) else {
            return nil
        }
        let parts = String(decoding: scalars[(at + marker.count)...], as: UTF8.self).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let pid = pid_t(parts[0]), pid > 0, Int(parts[1]) != nil else { return nil }
        return pid
    }

    /// Creates `<folder>/.<name>.tmp-<pid>-<n>` exclusively (never reusing an existing file),
    /// for the file `path`; errors name `reported` (the path the caller was given). The name is
    /// recorded in `SaveInProgress` before the file is made (a name with this process's id that
    /// already exists is a dead process's leftover), so a signal never finds a file unrecorded;
    /// `recorded` says whether the caller must end the record.
    private static func createTemporary(in folder: String, for path: String, reporting reported: String) throws(ModelFileError) -> (fd: Int32, path: String, recorded: Bool) {
        let name = path.split(separator: "/").last.map(String.init) ?? "model"
        for attempt in 0..<100 {
            let candidate = "\(folder)/.\(name).tmp-\(getpid())-\(attempt)"
            let recorded = SaveInProgress.begin(candidate)
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 { return (fd, candidate, recorded) }
            let reason = errno
            if recorded { SaveInProgress.end() }
            errno = reason
            if errno != EEXIST { throw ioError("cannot create a temporary file in \(folder)", path: reported) }
        }
        throw ioError("cannot create a temporary file in \(folder)", path: reported)
    }

    private static func writeAll(
        _ bytes: [UInt8], to fd: Int32, path: String,
        chunkWriter: (Int32, UnsafeRawPointer, Int) -> Int
    ) throws(ModelFileError) {
        // Returns the number of bytes written before a failure (all of them on success).
        let written = bytes.withUnsafeBytes { raw -> Int in
            var done = 0
            while done < raw.count {
                let n = chunkWriter(fd, raw.baseAddress! + done, min(raw.count - done, 1 << 24))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
            return done
        }
        guard written == bytes.count else { throw ioError("cannot write", path: path) }
    }

    static let writingHint = "check that the folder exists, is writable and has free space"
    static let readingHint = "check the file's name and folder, and that you may read it"

    /// An I/O error carrying the system's reason (`strerror(errno)`).
    static func ioError(_ what: String, path: String, hint: String = writingHint) -> ModelFileError {
        let reason = String(cString: strerror(errno))
        return ModelFileError(.io, "\(what): \(reason)", hint: hint, path: path)
    }
}

// The C library's read(2) and write(2) under names that do not clash with `AtomicFile`'s own.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
