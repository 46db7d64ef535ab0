import Foundation
import Testing

/// End-to-end: `nnsh` running scripts from files, `-e`, and standard input; exit statuses.
@Suite struct ScriptModeTests {
    @Test func codeFromCommandLineRunsAndExitsZero() throws {
        let out = try runNNSH(["-e", "x = 3\nprint x"])
        #expect(out.status == 0)
        #expect(out.stdout == "3\n")
        #expect(out.stderr == "")
    }

    @Test func codeFromStandardInputRuns() throws {
        let out = try runNNSH([], stdin: "y = 5\nprint y\n")
        #expect(out.status == 0)
        #expect(out.stdout == "5\n")
    }

    @Test func scriptErrorExitsOneWithLocationLineAndCaret() throws {
        let file = try TemporaryFile(contents: "x = 3\n  bogus 1\nprint x\n", suffix: ".nnsh")
        let out = try runNNSH([file.path])
        #expect(out.status == 1)
        #expect(out.stdout == "")   // nothing after the failing line ran
        let lines = out.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count >= 3)
        #expect(lines.first?.hasPrefix("\(file.path):2:3: error: ") == true)
        #expect(lines.dropFirst().first == "  bogus 1")
        #expect(lines.dropFirst(2).first == "  ^")
    }

    @Test func errorsFromStandardInputAndDashENameTheirSource() throws {
        let piped = try runNNSH([], stdin: "x = 1\nprint y\n")
        #expect(piped.status == 1)
        #expect(piped.stderr.hasPrefix("stdin:2:7: error: unknown variable 'y'"))
        let inline = try runNNSH(["-e", "for i in [1] {"])
        #expect(inline.status == 1)
        #expect(inline.stderr.hasPrefix("-e:1:15: error: "))   // an open block at the end of a script is an error
    }

    @Test func setRejectsNamesThatAreNotVariables() throws {
        for (pair, message) in [("1x=3", "not a valid variable name"), ("print=3", "is a command")] {
            let out = try runNNSH(["--set", pair, "-e", "print 1"])
            #expect(out.status == 2)
            #expect(out.stderr.hasPrefix("nnsh: --set \(pair): "))
            #expect(out.stderr.contains(message))
            #expect(out.stdout == "")
        }
    }

    @Test func setPredefinesVariables() throws {
        let out = try runNNSH(["--set", "lr=0.25", "--set", "act=relu", "-e", "print lr act"])
        #expect(out.status == 0)
        #expect(out.stdout == "0.25 relu\n")
    }

    @Test func scriptArgumentsReachTheScriptIncludingDashedOnes() throws {
        let file = try TemporaryFile(contents: "print args\n", suffix: ".nnsh")
        let out = try runNNSH([file.path, "first", "--second", "-e"])
        #expect(out.status == 0)
        #expect(out.stdout.contains(#""first", "--second", "-e""#))
    }

    @Test func dashMeansStandardInputWithArguments() throws {
        let out = try runNNSH(["-", "a", "b"], stdin: "print args\n")
        #expect(out.status == 0)
        #expect(out.stdout.contains(#""a", "b""#))
    }

    @Test func shebangScriptRunsThroughEnv() throws {
        let file = try TemporaryFile(contents: "#!/usr/bin/env nnsh\nz = 7\nprint z\n", suffix: ".nnsh")
        chmod(file.path, 0o755)
        let binDirectory = nnshExecutable().deletingLastPathComponent().path
        // Executing a file just written can fail with ETXTBSY while a process forked at that
        // moment by another test still holds the writing descriptor (until its exec closes it):
        // a race of the test process, not of nnsh. Only that error is tried again.
        var attempt = 0
        var launched: ProcessOutput?
        while launched == nil {
            do {
                launched = try run(file.path, ["extra"], environment: ["PATH": binDirectory + ":/usr/bin:/bin"])
            } catch let error as NSError where attempt < 20 && Self.isTextFileBusy(error) {
                attempt += 1
                usleep(50_000)
            }
        }
        let out = try #require(launched)
        #expect(out.status == 0)
        #expect(out.stdout == "7\n")
    }

    static func isTextFileBusy(_ error: NSError) -> Bool {
        (error.userInfo[NSUnderlyingErrorKey] as? NSError).map { $0.domain == NSPOSIXErrorDomain && $0.code == Int(ETXTBSY) } ?? false
    }

    @Test func quitCodeBecomesExitStatus() throws {
        let out = try runNNSH(["-e", "quit 3"])
        #expect(out.status == 3)
    }

    @Test(arguments: [
        (["--no-such-flag"], "unknown option '--no-such-flag'"),
        (["/no/such/file.nnsh"], "cannot open '/no/such/file.nnsh'"),
        (["--set", "novalue", "-e", "x"], "--set expects name=value"),
        (["--set"], "--set"),
        (["-e"], "-e"),
    ])
    func usageErrorsExitTwoWithOneLine(arguments: [String], message: String) throws {
        let out = try runNNSH(arguments)
        #expect(out.status == 2)
        #expect(out.stdout == "")
        #expect(out.stderr.hasPrefix("nnsh: "))
        #expect(out.stderr.contains(message))
        #expect(out.stderr.split(separator: "\n").count == 1)
    }

    @Test func helpExitsZeroAndDescribesModes() throws {
        let out = try runNNSH(["--help"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("-e <code>"))
        #expect(out.stdout.contains("--set <name=value>"))
    }
}

/// A file in the temporary folder, removed when the value is released.
final class TemporaryFile {
    let path: String
    init(contents: String, suffix: String = "") throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("nnsh-test-\(UUID().uuidString)\(suffix)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
    }
    init(bytes: [UInt8], suffix: String = "") throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("nnsh-test-\(UUID().uuidString)\(suffix)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs any executable with `environment` replacing the inherited one.
func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus,
                         stdout: String(decoding: o, as: UTF8.self),
                         stderr: String(decoding: e, as: UTF8.self))
}
