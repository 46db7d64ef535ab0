import Foundation
import Testing
@testable import Shell

/// docs/LANGUAGE.md is tested: its `nnsh` blocks run in order in one session and print what
/// their `# expect:` comments say, and its command reference equals what `help` generates.
/// `NNSH_UPDATE_DOCS=1 swift test --filter DocumentationTests` rewrites the reference.
@Suite struct DocumentationTests {
    static let path = GoldenScriptTests.root.appendingPathComponent("docs/LANGUAGE.md").path
    static let begin = "<!-- commands:begin -->\n", end = "<!-- commands:end -->"

    /// The fenced blocks of `text` marked `nnsh`, with the line each starts on.
    static func blocks(_ text: String) -> [(line: Int, code: String)] {
        var out: [(Int, String)] = []
        var current: [Substring]? = nil
        var start = 0
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current == nil, line == "```nnsh" {
                current = []
                start = i + 2
            } else if current != nil, line == "```" {
                out.append((start, current!.joined(separator: "\n")))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return out
    }

    @Test func examplesRunAndPrintWhatTheySay() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let blocks = Self.blocks(text)
        #expect(blocks.count >= 8)
        let (session, out) = makeSession()
        for block in blocks {
            let spec = GoldenSpec(block.code)
            let result = session.execute(block.code, file: "docs/LANGUAGE.md", firstLine: block.line)
            if case .error(let e) = result {
                Issue.record("block at line \(block.line) failed:\n\(e.rendered())")
                continue
            }
            let printed = out.take().split(separator: "\n").map(String.init)
            #expect(printed == spec.expectedLines, "block at line \(block.line)")
        }
    }

    @Test func commandReferenceIsUpToDate() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        guard let b = text.range(of: Self.begin), let e = text.range(of: Self.end) else {
            Issue.record("docs/LANGUAGE.md lacks the command reference markers")
            return
        }
        let generated = "\n" + Help.reference() + "\n"
        let current = String(text[b.upperBound ..< e.lowerBound])
        if current != generated, ProcessInfo.processInfo.environment["NNSH_UPDATE_DOCS"] == "1" {
            let updated = String(text[..<b.upperBound]) + generated + String(text[e.lowerBound...])
            try updated.write(toFile: Self.path, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == generated, "regenerate with NNSH_UPDATE_DOCS=1 swift test --filter DocumentationTests")
        for name in CommandTable.names { #expect(text.contains("#### `\(name)`")) }
    }
}
