// Shared by the fuzz targets that use what they decode through the language (Scripts/fuzz.sh
// compiles every file of Fuzz/Support with each target): a private folder in /dev/shm holding a
// few fixture files, reset before every input, and a session that runs nnsh code there with a
// time budget (the interpreter's interrupt check, as Ctrl-C) and a memory ceiling.
import Engine
import Foundation
@testable import Shell

/// Run time allowed per input before the interpreter is told to stop (as by Ctrl-C).
let fuzzBudget: Duration = .milliseconds(300)
/// The memory ceiling for each input (what `set max_memory` sets, scoped to the input's task so
/// `set max_memory` in the input cannot raise it); libFuzzer's -malloc_limit_mb=1024
/// (Scripts/fuzz.sh) reports any allocation that escapes it.
let fuzzMemoryCeiling = 256 << 20

/// The private folder, made once; the process works in it.
let sandbox: String = {
    var template = Array("/dev/shm/nnsh-fuzz-XXXXXX".utf8CString)
    let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    chdir(folder)
    return folder
}()

/// Files an input may read by these names (from the repository; Scripts/fuzz.sh sets NNSH_ROOT).
let fixtures: [(name: String, bytes: [UInt8])] = {
    let root = ProcessInfo.processInfo.environment["NNSH_ROOT"] ?? FileManager.default.currentDirectoryPath
    let sources = [
        ("flowers.csv", "Tests/ShellTests/scripts/data/flowers.csv"),
        ("m.nnm", "Fuzz/corpus/modelfile/classifier-images.nnm"),
        ("r.nnm", "Fuzz/corpus/modelfile/adam-float64.nnm"),
        ("images.idx", "Fuzz/corpus/idx/images-ubyte-3d.idx"),
        ("labels.idx", "Fuzz/corpus/idx/labels-ubyte-1d.idx"),
        ("small.idx", "Fuzz/corpus/idx/images-ubyte-8x9x9.idx"),
        ("smalllabels.idx", "Fuzz/corpus/idx/labels-ubyte-8.idx"),
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

/// Removes whatever an input wrote and puts the fixtures back as they were.
func resetSandbox() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: sandbox)) ?? []
    for name in names { try? FileManager.default.removeItem(atPath: sandbox + "/" + name) }
    for fixture in fixtures {
        FileManager.default.createFile(atPath: sandbox + "/" + fixture.name, contents: Data(fixture.bytes))
    }
}

/// Writes `bytes` into the sandbox as `name`.
func writeSandboxFile(_ name: String, _ bytes: [UInt8]) {
    FileManager.default.createFile(atPath: sandbox + "/" + name, contents: Data(bytes))
}

/// Runs `code` in a new session in the sandbox, within the time budget and memory ceiling, and
/// renders its error the way the prompt would. Returns the session (its variables) for more.
@discardableResult
func runInSandbox(_ code: String, session: Session? = nil) -> Session {
    let session = session ?? Session(output: { _ in })
    let clock = ContinuousClock()
    let deadline = clock.now + fuzzBudget
    session.interpreter.isInterrupted = { clock.now > deadline }
    // A script inside the sandbox, so `run` resolves relative names there too.
    let result = MemoryLimit.$scopedBytes.withValue(fuzzMemoryCeiling) {
        session.execute(code, file: sandbox + "/fuzz.nnsh")
    }
    if case .error(let e) = result { _ = e.rendered() }
    return session
}

/// Runs each statement on its own in one new session, so a use that is refused does not hide
/// the next; returns the session.
@discardableResult
func runEach(_ statements: [String]) -> Session {
    let session = Session(output: { _ in })
    for statement in statements { runInSandbox(statement, session: session) }
    return session
}
