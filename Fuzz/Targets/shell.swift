// libFuzzer target: the nnsh language — lexer, parser and interpreter with every command —
// through `Session.execute`, as a script file or a REPL line would reach it. Input: source text.
//
// Neutralised so a campaign cannot harm the machine or stall:
// - files: the process works in a private folder in /dev/shm holding only a few fixture files
//   (`fixtures` in Fuzz/Support/Sandbox.swift; reset before every input),
//   and inputs with a '/' inside a string literal are skipped (rejected from the corpus), so
//   every path a command can see is relative to that folder: `save`, `to=`, `run` and the data
//   readers touch nothing else (`mnist` finds no Data/mnist there);
// - other programs: inputs naming `runner` (a sweep's runner=slurm|parallel, the only commands
//   that start processes: sbatch, squeue, scancel, GNU parallel, ssh) are skipped too;
// - time: each input gets a budget (`fuzzBudget`) through the interpreter's interrupt check,
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

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard staysInSandbox(text) else { return -1 }
    resetSandbox()
    runInSandbox(text)
    return 0
}

/// False when a string literal (or an expression interpolated into one) contains '/': then a
/// path could leave the sandbox folder; or when the input names `runner`, which could start
/// Slurm or GNU parallel jobs. Source that does not lex is safe: nothing runs.
private func staysInSandbox(_ text: String) -> Bool {
    guard let tokens = try? tokenize(SourceText(name: "fuzz.nnsh", text: text)) else { return true }
    for token in tokens {
        if case .name("runner") = token.kind { return false }
        guard case .string(let pieces) = token.kind else { continue }
        for piece in pieces {
            switch piece {
            case .text(let t): if t.contains("/") || t.contains("runner") { return false }
            case .code(let code, _, _, _): if code.contains("/") || code.contains("runner") { return false }
            }
        }
    }
    return true
}
