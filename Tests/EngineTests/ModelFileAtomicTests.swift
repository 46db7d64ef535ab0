import Testing
@testable import Engine
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
            #expect(e?.message.hasPrefix("cannot replace the file") == true)
            #expect(folderListing(folder) == ["sub"])
            rmdir(target)
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
