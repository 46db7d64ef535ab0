import Testing
import Foundation

/// End-to-end: runs the built `nnsh` executable and checks what it prints.
@Suite struct VersionTests {
    @Test func versionFlagPrintsVersion() throws {
        let out = try runNNSH(["--version"])
        #expect(out.status == 0)
        #expect(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                .range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
    }
}

struct ProcessOutput { var status: Int32; var stdout: String; var stderr: String }

/// The `nnsh` binary beside this test bundle in the build folder.
func nnshExecutable() -> URL {
    var dir = Bundle.main.bundleURL
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("nnsh")
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue {
            return candidate
        }
        dir = dir.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("nnsh")
}

func runNNSH(_ args: [String], stdin: String? = nil) throws -> ProcessOutput {
    let p = Process()
    p.executableURL = nnshExecutable()
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    if let stdin {
        let inp = Pipe()
        p.standardInput = inp
        try p.run()
        inp.fileHandleForWriting.write(stdin.data(using: .utf8)!)
        try inp.fileHandleForWriting.close()
    } else {
        p.standardInput = FileHandle.nullDevice
        try p.run()
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ProcessOutput(status: p.terminationStatus,
                         stdout: String(decoding: o, as: UTF8.self),
                         stderr: String(decoding: e, as: UTF8.self))
}
