import Foundation
import Testing
@testable import Shell

/// Runs every script in `Scripts/` and `Tests/ShellTests/scripts/` through a Session and checks
/// its output against the expectations written in the script's own comments
/// (Crafting Interpreters style):
///
///     print 1 + 2          # expect: 3
///     print nope           # expect-error: unknown variable 'nope'
///     # requires: Data/mnist/train-images-idx3-ubyte     (skipped when the path is absent)
///     # args: a b                                        (the script's arguments)
///     # slow                       (a long study: run only when NNSH_SLOW_TESTS=1 is set)
///     print mse                    # expect: /0\.0[0-9]+/    (between slashes: a regex for the whole line)
///     plot net r                   # expect-skip: 22          (22 output lines not checked: a chart)
///
/// `# expect:` lines are the script's output lines in order (all of them). An
/// `# expect-error:` line says the script stops with that message at that line. Times
/// (`1.2s`, `35ms`), rates (`12,345 samples/s`) and ETAs are masked on both sides as `<time>`
/// and `<rate>`, so an expectation may be written with those placeholders.
@Suite struct GoldenScriptTests {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var scripts: [String] {
        let fm = FileManager.default
        var found: [String] = []
        for folder in ["Scripts", "Tests/ShellTests/scripts"] {
            let dir = root.appendingPathComponent(folder)
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            found += names.filter { $0.hasSuffix(".nnsh") }.sorted().map { "\(folder)/\($0)" }
        }
        return found
    }

    @Test func expectationsBetweenSlashesAreRegularExpressions() {
        #expect(GoldenSpec.matches("mse 0.0123", "/mse 0\\.0[0-9]+/"))
        #expect(!GoldenSpec.matches("mse 0.0123 extra", "/mse 0\\.0[0-9]+/"))
        #expect(!GoldenSpec.matches("mse 1.0123", "/mse 0\\.0[0-9]+/"))
        #expect(GoldenSpec.matches("/", "/"))
        #expect(!GoldenSpec.matches("mse 0.0123", "mse 0.01"))
        let spec = GoldenSpec("print 1  # expect: 1\nplot xs  # expect-skip: 2\nprint 2  # expect: 2")
        #expect(spec.expectedLines == ["1", GoldenSpec.skipped, GoldenSpec.skipped, "2"])
    }

    @Test func thereAreScripts() {
        #expect(Self.scripts.count >= 5)
    }

    @Test(arguments: GoldenScriptTests.scripts)
    func script(_ path: String) throws {
        let url = Self.root.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        let spec = GoldenSpec(text)
        if spec.isSlow, ProcessInfo.processInfo.environment["NNSH_SLOW_TESTS"] != "1" {
            print("skipping \(path): marked slow (set NNSH_SLOW_TESTS=1 to run it)")
            return
        }
        for required in spec.requires where !FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(required).path) {
            print("skipping \(path): \(required) is absent")
            return
        }
        let (session, out) = makeSession()
        session.scriptArguments = spec.arguments
        let previous = FileManager.default.currentDirectoryPath
        #expect(previous == Self.root.path || FileManager.default.fileExists(atPath: "Package.swift"),
                "tests must run from the package root")
        let result = session.execute(text, file: path)
        let actual = out.take().split(separator: "\n", omittingEmptySubsequences: false).map { GoldenSpec.mask(String($0)) }
        let lines = actual.last == "" ? Array(actual.dropLast()) : actual
        let expected = spec.expectedLines.map(GoldenSpec.mask)

        for (i, line) in expected.enumerated() {
            guard i < lines.count else {
                Issue.record("\(path): output ended before expected line \(i + 1): \(line)")
                break
            }
            if line == GoldenSpec.skipped { continue }
            #expect(GoldenSpec.matches(lines[i], line), "\(path): output line \(i + 1): \(lines[i])")
        }
        if lines.count > expected.count {
            let extra = lines[expected.count...].prefix(10).joined(separator: "\n")
            Issue.record("\(path): unexpected output from line \(expected.count + 1):\n\(extra)")
        }
        switch (result, spec.expectedError) {
        case (.ok, nil), (.quit(0), nil): break
        case (.error(let e), let wanted?):
            #expect(e.message == wanted.message, "\(path): error message")
            #expect(e.line == wanted.line, "\(path): error line")
        case (.error(let e), nil):
            Issue.record("\(path): unexpected error:\n\(e.rendered())")
        case (_, let wanted?):
            Issue.record("\(path): expected the error '\(wanted.message)' at line \(wanted.line)")
        case (.quit(let code), nil):
            Issue.record("\(path): quit with code \(code)")
        }
    }
}

/// The expectations written in a golden script's comments.
struct GoldenSpec {
    var expectedLines: [String] = []
    var expectedError: (message: String, line: Int)?
    var requires: [String] = []
    var arguments: [String] = []
    var isSlow = false

    init(_ text: String) {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let r = line.range(of: "# expect-skip: ") {
                let n = Int(line[r.upperBound...].prefix { $0.isNumber }) ?? 0
                expectedLines += Array(repeating: GoldenSpec.skipped, count: n)
            } else if let r = line.range(of: "# expect: ") {
                expectedLines.append(String(line[r.upperBound...]))
            } else if line.hasSuffix("# expect:") {
                expectedLines.append("")
            } else if let r = line.range(of: "# expect-error: ") {
                expectedError = (String(line[r.upperBound...]), i + 1)
            } else if let r = line.range(of: "# requires: ") {
                requires.append(String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces))
            } else if line.trimmingCharacters(in: .whitespaces) == "# slow" {
                isSlow = true
            } else if let r = line.range(of: "# args: ") {
                arguments = line[r.upperBound...].split(separator: " ").map(String.init)
            }
        }
    }

    /// Stands for an output line that is not checked (`# expect-skip: N`).
    static let skipped = "\u{0}skipped"

    /// An expectation between slashes (`/mse 0\.0[0-9]+/`) is a regular expression the whole
    /// line must match; any other must equal the line.
    static func matches(_ line: String, _ expectation: String) -> Bool {
        guard expectation.count >= 2, expectation.hasPrefix("/"), expectation.hasSuffix("/") else { return line == expectation }
        let pattern = "^(?:" + expectation.dropFirst().dropLast() + ")$"
        return line.range(of: pattern, options: .regularExpression) != nil
    }

    /// Masks what changes from run to run: durations, rates, ETAs.
    static func mask(_ line: String) -> String {
        var s = line
        let rules: [(String, String)] = [
            (#"[0-9][0-9,]*(\.[0-9]+)?(k|M)? samples/s"#, "<rate>"),
            (#"ETA [0-9:]+(\.[0-9]+)?s?"#, "ETA <time>"),
            (#"\b[0-9]+(\.[0-9]+)?(ms|s|µs)\b"#, "<time>"),
        ]
        for (pattern, replacement) in rules {
            s = s.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return s
    }
}
