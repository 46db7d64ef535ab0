// libFuzzer target: the nnsh language — lexer, parser and interpreter with every command —
// through `Session.execute`, as a script file or a REPL line would reach it. Input: source text.
//
// Neutralised so a campaign cannot harm the machine or stall:
// - files: the process works in a private folder in /dev/shm holding only a few fixture files
//   (`fixtures` below; reset after every input),
//   and inputs with a '/' inside a string literal are skipped (rejected from the corpus), so
//   every path a command can see is relative to that folder: `save`, `to=`, `run` and the data
//   readers touch nothing else (`mnist` finds no Data/mnist there);
// - time: each input gets a budget (`budget` below) through the interpreter's interrupt check,
//   the one `for`/`while` loops and `train` poll after every iteration and batch, exactly as a
//   Ctrl-C would stop them;
// - memory: the session's ceiling (`MemoryLimit`, what `set max_memory` sets) is 256 MiB for
//   each input, scoped to the input's task so `set max_memory` in the input cannot raise it;
//   libFuzzer's -malloc_limit_mb=1024 (Scripts/fuzz.sh) reports any allocation that escapes
//   the ceiling as a finding.
// Built and run by Scripts/fuzz.sh shell SECONDS.
import Engine
import Foundation
@testable import Shell

/// Run time allowed per input before the interpreter is told to stop (as by Ctrl-C).
private let budget: Duration = .milliseconds(300)
/// The memory ceiling for each input.
private let memoryCeiling = 256 << 20

private let sandbox: String = {
    var template = Array("/dev/shm/nnsh-fuzz-shell-XXXXXX".utf8CString)
    let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    chdir(folder)
    return folder
}()

/// Files the input may read by these names (from the repository; Scripts/fuzz.sh sets NNSH_ROOT).
private let fixtures: [(name: String, bytes: [UInt8])] = {
    let root = ProcessInfo.processInfo.environment["NNSH_ROOT"] ?? FileManager.default.currentDirectoryPath
    let sources = [
        ("flowers.csv", "Tests/ShellTests/scripts/data/flowers.csv"),
        ("m.nnm", "Fuzz/corpus/modelfile/classifier-images.nnm"),
        ("images.idx", "Fuzz/corpus/idx/images-ubyte-3d.idx"),
        ("labels.idx", "Fuzz/corpus/idx/labels-ubyte-1d.idx"),
        ("digit.png", "Fuzz/corpus/png/gray8-4x3-filters.png"),
        ("m.safetensors", "Fuzz/corpus/safetensors/nnsh-2-3-1.safetensors"),
    ]
    return sources.compactMap { name, path in
        FileManager.default.contents(atPath: root + "/" + path).map { (name, [UInt8]($0)) }
    }
}()

/// Sets the sandbox up once, before the first input (so libFuzzer's per-input leak check does
/// not count the fixtures, which live for the whole run).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    resetSandbox()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard staysInSandbox(text) else { return -1 }
    resetSandbox()
    let session = Session(output: { _ in })
    let clock = ContinuousClock()
    let deadline = clock.now + budget
    session.interpreter.isInterrupted = { clock.now > deadline }
    // A script inside the sandbox, so `run` resolves relative names there too.
    let result = MemoryLimit.$scopedBytes.withValue(memoryCeiling) {
        session.execute(text, file: sandbox + "/fuzz.nnsh")
    }
    if case .error(let e) = result { _ = e.rendered() }
    return 0
}

/// False when a string literal (or an expression interpolated into one) contains '/': then a
/// path could leave the sandbox folder. Source that does not lex is safe: nothing runs.
private func staysInSandbox(_ text: String) -> Bool {
    guard let tokens = try? tokenize(SourceText(name: "fuzz.nnsh", text: text)) else { return true }
    for token in tokens {
        guard case .string(let pieces) = token.kind else { continue }
        for piece in pieces {
            switch piece {
            case .text(let t): if t.contains("/") { return false }
            case .code(let code, _, _, _): if code.contains("/") { return false }
            }
        }
    }
    return true
}

/// Removes whatever an input wrote and puts the fixtures back as they were.
private func resetSandbox() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: sandbox)) ?? []
    for name in names { try? FileManager.default.removeItem(atPath: sandbox + "/" + name) }
    for fixture in fixtures {
        FileManager.default.createFile(atPath: sandbox + "/" + fixture.name, contents: Data(fixture.bytes))
    }
}
