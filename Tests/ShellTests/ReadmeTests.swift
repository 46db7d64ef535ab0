import Foundation
import Testing
@testable import Shell

/// README.md is for a person meeting nnsh, so what it shows must work: its "first five minutes"
/// is a session whose `nnsh> ` lines parse and use commands that exist, and with MNIST in
/// Data/mnist and `NNSH_SLOW_TESTS=1` (it trains on all of MNIST) the lines run in one session
/// and print what README shows. Every file it names exists. It carries no measurement history
/// (dates, hosts, sessions): that is docs/PERFORMANCE.md's.
@Suite struct ReadmeTests {
    static let path = GoldenScriptTests.root.appendingPathComponent("README.md").path
    static let prompt = "nnsh> "

    /// One line typed at the prompt in README, with its line number and the output README shows
    /// under it (blank lines left out: README leaves out the pictures' blank rows).
    struct Entry {
        let line: Int
        let input: String
        var output: [String] = []
    }

    /// The `nnsh> ` lines of README's fenced blocks, each with the lines shown under it up to
    /// the next prompt or the end of the block.
    static func entries(_ text: String) -> [Entry] {
        var entries: [Entry] = []
        var inBlock = false, current: Entry? = nil
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.hasPrefix("```") {
                if let c = current { entries.append(c) }
                current = nil
                inBlock.toggle()
            } else if inBlock, line.hasPrefix(prompt) {
                if let c = current { entries.append(c) }
                current = Entry(line: i + 1, input: String(line.dropFirst(prompt.count)))
            } else if inBlock, current != nil, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                current!.output.append(trimmedRight(line))
            }
        }
        return entries
    }

    static func trimmedRight(_ s: String) -> String {
        String(s.reversed().drop { $0 == " " }.reversed())
    }

    /// The verbs of the commands a statement runs at its top level (`x = train ...` runs `train`).
    static func verbs(_ statements: [Statement]) -> [(verb: String, assigned: String?)] {
        statements.compactMap { s in
            switch s.kind {
            case .expression(let e): if case .command(let c) = e.kind { return (c.verb, nil) }
            case .assign(let name, let e): if case .command(let c) = e.kind { return (c.verb, name) }
            default: break
            }
            return nil
        }
    }

    @Test func walkthroughUsesCommandsThatExist() throws {
        let entries = Self.entries(try String(contentsOfFile: Self.path, encoding: .utf8))
        #expect(entries.count >= 10)
        var variables: Set<String> = []
        var used: Set<String> = []
        for entry in entries {
            let statements: [Statement]
            do {
                statements = try parse(SourceText(name: "README.md", text: entry.input, firstLine: entry.line))
            } catch {
                Issue.record("README.md:\(entry.line): \(error.rendered())")
                continue
            }
            for (verb, assigned) in Self.verbs(statements) {
                // A bare name alone is a variable being printed (`net`), not a command.
                #expect(CommandTable.command(named: verb) != nil || variables.contains(verb),
                        "README.md:\(entry.line): '\(verb)' is neither a command nor a variable set before")
                used.insert(verb)
                if let assigned { variables.insert(assigned) }
            }
        }
        // The five minutes the README promises: load, look, train, plot, save, classify.
        for verb in ["mnist", "show", "network", "add", "train", "eval", "plot", "save", "classify"] {
            #expect(used.contains(verb), "the walkthrough no longer uses \(verb)")
        }
    }

    @Test func walkthroughRunsAndPrintsWhatReadmeShows() throws {
        guard ProcessInfo.processInfo.environment["NNSH_SLOW_TESTS"] == "1" else {
            print("skipping README's walkthrough run: it trains on all of MNIST (set NNSH_SLOW_TESTS=1)")
            return
        }
        guard FileManager.default.fileExists(atPath: GoldenScriptTests.root.appendingPathComponent("Data/mnist/train-images-idx3-ubyte").path) else {
            print("skipping README's walkthrough run: Data/mnist is absent (Scripts/fetch-mnist.sh)")
            return
        }
        let entries = Self.entries(try String(contentsOfFile: Self.path, encoding: .utf8))
        // The model is saved to a scratch file, not into the repository.
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("nnsh-readme-\(ProcessInfo.processInfo.processIdentifier).nnm").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (session, out) = makeSession()
        var trained = false
        for entry in entries {
            let input = entry.input.replacingOccurrences(of: "\"digits.nnm\"", with: "\"\(scratch)\"")
            let result = session.execute(input, file: "README.md", firstLine: entry.line)
            if case .error(let e) = result {
                Issue.record("README.md:\(entry.line) failed:\n\(e.rendered())")
                continue
            }
            let printed = out.take().split(separator: "\n").map { Self.trimmedRight(String($0)) }
                .filter { !$0.isEmpty }
                .map { $0.replacingOccurrences(of: scratch, with: "digits.nnm") }
            trained = trained || entry.input.hasPrefix("train ")
            if !trained {
                // Loading and building: the same on every machine, line for line.
                #expect(printed == entry.output, "README.md:\(entry.line): \(entry.input)")
            } else {
                // Trained figures move with the thread count and BLAS; their form does not.
                #expect(printed.first.map(Self.shape) == entry.output.first.map(Self.shape),
                        "README.md:\(entry.line): \(entry.input) printed \(printed.first ?? "nothing")")
            }
        }
    }

    /// A line with its times and rates masked and each other number replaced by `#`:
    /// "accuracy 97.88%  loss 0.069  2m18s" → "accuracy #%  loss #  <time>".
    static func shape(_ line: String) -> String {
        GoldenSpec.mask(line)
            .replacingOccurrences(of: #"\b([0-9]+h)?([0-9]+m)?[0-9]+(\.[0-9]+)?s\b"#, with: "<time>", options: .regularExpression)
            .replacingOccurrences(of: "[0-9][0-9.,]*", with: "#", options: .regularExpression)
    }

    @Test func shapesIgnoreTimesAndFigures() {
        #expect(Self.shape("epoch 1/5  loss 0.2433  435 samples/s  2m18s") == Self.shape("epoch 3/5  loss 0.1  27,052 samples/s  2.22s"))
        #expect(Self.shape("accuracy 97.88%  (10000 examples)") == "accuracy #%  (# examples)")
        #expect(Self.shape("saved to digits.nnm") != Self.shape("saved to other.nnm"))
    }

    @Test func filesItNamesExist() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let pattern = try Regex("(?:Scripts|Models|docs|Sources|Tests|Fuzz)/[A-Za-z0-9_./-]*[A-Za-z0-9_/]|(?:Scripts|Models|docs|Sources|Tests|Fuzz)/")
        var checked = 0
        for match in text.matches(of: pattern) {
            let relative = String(text[match.range])
            // Part of a longer path or a URL (`.build/release/...`, `https://...`) is not checked.
            if match.range.lowerBound > text.startIndex {
                let before = text[text.index(before: match.range.lowerBound)]
                if before == "/" || before.isLetter || before == "." { continue }
            }
            checked += 1
            #expect(FileManager.default.fileExists(atPath: GoldenScriptTests.root.appendingPathComponent(relative).path),
                    "README names \(relative), which does not exist")
        }
        #expect(checked >= 10)
    }

    @Test func carriesNoMeasurementHistory() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        for pattern in [#"20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]"#, #"[0-9][0-9]:[0-9][0-9] UTC"#,
                        #"[Ss]ession [0-9]"#, #"[Ii]ssue [0-9]"#, #"Zen [0-9]"#] {
            let found = text.range(of: pattern, options: .regularExpression).map { String(text[$0]) }
            #expect(found == nil, "README has '\(found ?? "")': dates, sessions and hosts belong in docs/PERFORMANCE.md")
        }
    }
}
