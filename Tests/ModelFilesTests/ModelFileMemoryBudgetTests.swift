import Foundation
import Testing
@testable import Engine
@testable import ModelFiles

/// Model files are checked against the memory limit before they are read and parsed.
@Suite struct ModelFileMemoryBudgetTests {
    @Test func aHugeSafeTensorsHeaderIsRefusedBeforeParsing() {
        // 200 KB of `0,0,...` parse into a value per two bytes.
        let header = "{\"a\":[" + String(repeating: "0,", count: 100_000) + "0]}"
        let e = MemoryLimit.$scopedBytes.withValue(1 << 20) {
            expectModelFileError { _ = try SafeTensorsFile.decode(ModelFileSafeTensorsTests.framed(header)) }
        }
        #expect(e?.kind == .tooLarge)
        #expect(e?.message.hasPrefix("the 200009-byte safetensors header needs ") == true)
        #expect(e?.message.hasSuffix(", more than the memory limit of 1 MB") == true)
    }

    @Test func aModelFileLargerThanTheBudgetIsNotRead() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/big.nnm"
            #expect(FileManager.default.createFile(atPath: path, contents: Foundation.Data(count: 2 << 20)))
            let e = MemoryLimit.$scopedBytes.withValue(1 << 20) { expectModelFileError { _ = try AtomicFile.read(path) } }
            #expect(e?.kind == .tooLarge)
            #expect(e?.description == "\(path): reading the whole file needs 2 MB, more than the memory limit of 1 MB (hint: raise the memory limit)")
            #expect(e?.remedy == .raiseMemoryLimit, "the shell words it as its command")
        }
    }
}
