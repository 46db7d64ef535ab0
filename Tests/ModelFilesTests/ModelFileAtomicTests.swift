import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles
#if canImport(Glibc)
import Glibc
#endif

/// Saving never leaves a half-written model: the old file survives any failure.
@Suite struct ModelFileAtomicTests {
    @Test func overwriteReplacesTheWholeFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/m.bin"
            try AtomicFile.write([UInt8](repeating: 7, count: 1000), to: path)
            try AtomicFile.write([1, 2, 3], to: path)
            #expect(try AtomicFile.read(path) == [1, 2, 3])
            #expect(folderListing(folder) == ["m.bin"])
        }
    }

    @Test func failureMidWriteKeepsTheOldFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/model.nnsh"
            let old = try ModelFile.encode(ModelFileFixtures.minimalModel())
            try AtomicFile.write(old, to: path)
            let new = try ModelFile.encode(ModelFileFixtures.fullModel(Double.self))
            var written = 0
            let e = expectModelFileError {
                // A disk that fills up after 100 bytes.
                try AtomicFile.write(new, to: path, chunkWriter: { fd, pointer, count in
                    if written >= 100 { errno = ENOSPC; return -1 }
                    let n = write(fd, pointer, min(count, 100 - written))
                    written += n
                    return n
                })
            }
            #expect(e?.kind == .io)
            #expect(e?.message == "cannot write: No space left on device")
            #expect(written == 100)
            #expect(try AtomicFile.read(path) == old)
            #expect(try ModelFile.readContents(path) == .float32(ModelFileFixtures.minimalModel()))
            #expect(folderListing(folder) == ["model.nnsh"])   // the temporary file is gone
        }
    }

    @Test func missingFolderIsAnErrorAndCreatesNothing() {
        withTemporaryFolder { folder in
            let e = expectModelFileError { try AtomicFile.write([1], to: folder + "/no/such/m.nnsh") }
            #expect(e?.kind == .io)
            #expect(e?.message.hasPrefix("cannot create a temporary file in \(folder)/no/such") == true)
            #expect(folderListing(folder).isEmpty)
        }
    }

    @Test func destinationThatIsAFolderIsLeftAlone() {
        withTemporaryFolder { folder in
            let target = folder + "/sub"
            #expect(mkdir(target, 0o755) == 0)
            let e = expectModelFileError { try AtomicFile.write([1, 2], to: target) }
            #expect(e?.message == "cannot write here: it is a folder, not a regular file")
            #expect(folderListing(folder) == ["sub"])
            rmdir(target)
        }
    }

    /// The type of `path` itself (not following a link).
    static func type(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    /// Saving onto a FIFO (or a device: `save n "/dev/null"` as root replaced /dev/null with a
    /// regular file) is refused, and the FIFO stays.
    @Test func destinationThatIsAFIFOIsLeftAlone() {
        withTemporaryFolder { folder in
            let pipe = folder + "/pipe"
            #expect(mkfifo(pipe, 0o644) == 0)
            let e = expectModelFileError { try AtomicFile.write([1, 2], to: pipe) }
            #expect(e?.kind == .io && e?.path == pipe)
            #expect(e?.message == "cannot write here: it is a named pipe (FIFO), not a regular file")
            #expect(Self.type(pipe) == S_IFIFO)
            #expect(folderListing(folder) == ["pipe"])
        }
    }

    /// Saving through a symbolic link writes the file it leads to (atomically, in that file's
    /// folder) and leaves the link a link; a link to a FIFO or to nothing is refused.
    @Test func symbolicLinksStayLinks() throws {
        try withTemporaryFolder { folder in
            try withTemporaryFolder { other in
                try AtomicFile.write([9, 9, 9], to: other + "/real.nnm")
                #expect(symlink(other + "/real.nnm", folder + "/far") == 0)
                try AtomicFile.write([1, 2, 3], to: folder + "/far")
                #expect(Self.type(folder + "/far") == S_IFLNK)
                #expect(try AtomicFile.read(other + "/real.nnm") == [1, 2, 3])
                #expect(folderListing(other) == ["real.nnm"] && folderListing(folder) == ["far"])

                try AtomicFile.write([4], to: folder + "/near.nnm")
                #expect(symlink("near.nnm", folder + "/relative") == 0)   // relative to the link's folder
                try AtomicFile.write([5, 6], to: folder + "/relative")
                #expect(Self.type(folder + "/relative") == S_IFLNK)
                #expect(try AtomicFile.read(folder + "/near.nnm") == [5, 6])

                #expect(mkfifo(folder + "/pipe", 0o644) == 0)
                #expect(symlink("pipe", folder + "/to-pipe") == 0)
                let e = expectModelFileError { try AtomicFile.write([1], to: folder + "/to-pipe") }
                #expect(e?.message == "cannot write here: it is a symbolic link to a named pipe (FIFO), not a regular file")
                #expect(symlink("missing.nnm", folder + "/dangling") == 0)
                let d = expectModelFileError { try AtomicFile.write([1], to: folder + "/dangling") }
                #expect(d?.message == "cannot write here: it is a symbolic link to a missing file")
                #expect(Self.type(folder + "/to-pipe") == S_IFLNK && Self.type(folder + "/dangling") == S_IFLNK)
                #expect(Set(folderListing(folder)) == ["far", "near.nnm", "relative", "pipe", "to-pipe", "dangling"])
            }
        }
    }

    /// A save killed midway (Ctrl-C in a script, a crash) leaves its temporary file; the next
    /// save to the folder removes such files when their process is gone and they have not
    /// changed for 10 minutes (another machine's save in progress may share the folder).
    @Test func staleTemporaryFilesOfDeadProcessesAreRemoved() throws {
        try withTemporaryFolder { folder in
            let dead = Int32.max   // above any pid_max: no such process
            func make(_ name: String, age: Int) {
                let path = folder + "/" + name
                #expect(creat(path, 0o644) >= 0)
                var times = utimbuf(actime: time(nil) - age, modtime: time(nil) - age)
                #expect(utime(path, &times) == 0)
            }
            make(".old.nnm.tmp-\(dead)-0", age: 3600)              // stale: removed
            make(".other.safetensors.tmp-\(dead)-3", age: 3600)    // stale, another name: removed
            make(".old.nnm.tmp-\(dead)-1", age: 60)                // recent: kept
            make(".old.nnm.tmp-\(getpid())-7", age: 3600)          // a live process (this one): kept
            make("notes.tmp-\(dead)-0", age: 3600)                 // not nnsh's pattern: kept
            make(".old.nnm.tmp-\(dead)-x", age: 3600)              // not nnsh's pattern: kept
            try AtomicFile.write([1], to: folder + "/new.nnm")
            #expect(Set(folderListing(folder)) == ["new.nnm", ".old.nnm.tmp-\(dead)-1", ".old.nnm.tmp-\(getpid())-7",
                                                   "notes.tmp-\(dead)-0", ".old.nnm.tmp-\(dead)-x"])
        }
    }

    @Test func overwritingKeepsTheFilesPermissions() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/private.nnsh"
            try AtomicFile.write([1], to: path)
            #expect(chmod(path, 0o600) == 0)
            try AtomicFile.write([2], to: path)
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
        }
    }

    @Test func bareFileNameUsesTheCurrentFolder() {
        #expect(AtomicFile.folderOf("m.nnsh") == ".")
        #expect(AtomicFile.folderOf("/m.nnsh") == "/")
        #expect(AtomicFile.folderOf("a/b/m.nnsh") == "a/b")
    }
}
