import Foundation
import Testing
@testable import Shell

/// Development aid: `NNSH_SCRATCH=file.nnsh swift test --filter ScratchRunner` runs a file and
/// prints its output. Does nothing otherwise.
@Suite struct ScratchRunner {
    @Test func runScratch() {
        guard let path = ProcessInfo.processInfo.environment["NNSH_SCRATCH"],
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let session = Session(output: { FileHandle.standardError.write($0.data(using: .utf8)!) })
        if case .error(let e) = session.execute(text, file: path) {
            FileHandle.standardError.write((e.rendered() + "\n").data(using: .utf8)!)
        }
        #expect(Bool(true))
    }
}
