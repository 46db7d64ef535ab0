import Foundation
import Data
import Engine
import ModelFiles

/// Helpers the commands share.
extension Interpreter {
    /// Runs `body` with a generator: a fresh one from `seed` when given, else the session's
    /// own (which then advances), so results repeat for a given `set seed` or `seed=`.
    func withGenerator<R>(seed: Int?, _ body: (inout RandomGenerator) throws(CommandError) -> R) throws(CommandError) -> R {
        if let seed {
            var g = RandomGenerator(seed: UInt64(seed))
            return try body(&g)
        }
        return try body(&generator)
    }

    /// The same for training `net`: a network loaded from a file draws from its own saved
    /// generator (`NetworkObject.generator`), any other from the session's.
    func withGenerator<R>(for net: NetworkObject, seed: Int?, _ body: (inout RandomGenerator) throws(CommandError) -> R) throws(CommandError) -> R {
        guard seed == nil, var own = net.generator else { return try withGenerator(seed: seed, body) }
        defer { net.generator = own }
        return try body(&own)
    }

    /// The seed recorded for `net` in model files: its own (loaded) one, else the session's.
    func seed(for net: NetworkObject) -> UInt64 { net.seed ?? seed }
}

extension CommandError {
    /// A data-layer error, already one line naming its file. A read stopped on Ctrl-C is a
    /// notice: the file's contents were dropped.
    init(_ e: DataError, parameter: String? = nil) {
        if e.kind == .stopped {
            self = .interruption("stopped reading \(e.file) by Ctrl-C; nothing was changed")
            namesCommand = true
            return
        }
        self.init(e.description + (e.kind == .tooLarge && e.message.contains("memory limit") ? CommandError.memoryAdvice(e.heldBytes) : ""),
                  parameter: parameter)
    }
    /// An engine error (its message names the layer when there is one). Work the engine
    /// stopped on Ctrl-C (`.stopped`) is a notice, not an error: nothing was assigned.
    init(_ e: EngineError, parameter: String? = nil) {
        if e.kind == .stopped {
            self = .interruption(e.message + " by Ctrl-C; nothing was changed")
            namesCommand = true
            return
        }
        self.init(e.message + (e.kind == .tooLarge ? CommandError.memoryAdvice(e.heldBytes) : ""), parameter: parameter)
    }

    /// A model-file error: one line naming the file, with a remedy the engine gives as data
    /// worded as the commands that carry it out.
    init(_ e: ModelFileError, parameter: String? = nil) {
        var e = e
        switch e.remedy {
        case .raiseMemoryLimit?: e.hint = "set max_memory raises it"
        case .readAsSafeTensors?: e.hint = "read it with `import`"
        case .giveModelFile?: e.hint = "give a file written by `save`; use `import` for .safetensors and .onnx files"
        case nil: break
        }
        self.init(e.description, parameter: parameter)
    }

    /// Added to a refusal by `MemoryLimit`: when the values held left too little room
    /// (`heldBytes`), how to see and free them; always, how to raise the limit.
    static func memoryAdvice(_ heldBytes: Int?) -> String {
        (heldBytes == nil ? "" : "; vars lists them and forget frees them") + memoryHint
    }

    /// Added to errors from `MemoryLimit`.
    static let memoryHint = " (set max_memory raises it)"
    /// Any error from a `do` block mixing command, data and engine calls.
    init(_ e: any Error, parameter: String? = nil) {
        switch e {
        case let c as CommandError: self = c
        case let d as DataError: self.init(d, parameter: parameter)
        case let g as EngineError: self.init(g, parameter: parameter)
        case let m as ModelFileError: self.init(m, parameter: parameter)
        default: self.init("\(e)", parameter: parameter)
        }
    }
}

extension Arguments {
    /// The `seed=` option as a generator seed.
    var seed: Int? { values["seed"].flatMap { if case .number(let x) = $0 { Int(x) } else { nil } } }

    func dataset(_ name: String) throws(CommandError) -> DatasetObject {
        try object(name, as: DatasetObject.self)
    }

    func network(_ name: String) throws(CommandError) -> NetworkObject {
        try object(name, as: NetworkObject.self)
    }
}

/// Declarations several commands share.
enum CommonParameters {
    static let seed = Parameter.option("seed", .integer(0...Int(Int32.max)),
                                       help: "a seed for this command alone (default: the session's generator, see set seed)")
    static let dataset = ArgumentType.object(DatasetObject.self)
    static let network = ArgumentType.object(NetworkObject.self)
}

extension Interpreter {
    /// Colour only on a terminal that shows it: see `TerminalColour`.
    var useColour: Bool {
        TerminalColour.allowed(isTerminal: isTerminal, environment: ProcessInfo.processInfo.environment)
    }

    /// A line may be redrawn in place (`\r`, erase line): a terminal that is not `TERM=dumb`,
    /// whatever `NO_COLOR` says; see `TerminalColour`.
    var canRedrawLine: Bool {
        drawsProgressLine || TerminalColour.canMoveCursor(isTerminal: isTerminal, environment: ProcessInfo.processInfo.environment)
    }

    /// How many columns a line of output may take: the terminal's width; without a terminal
    /// `$COLUMNS`, else 80 (as Python's `shutil.get_terminal_size` falls back).
    var columns: Int {
        if isTerminal, let size = terminalSize() { return max(1, size.columns) }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        return 80
    }

    /// How many rows the terminal shows, when output is a terminal of known size.
    var rows: Int? {
        guard isTerminal, let size = terminalSize(), size.rows > 0 else { return nil }
        return size.rows
    }

    /// The room a picture may take: the width, and the terminal's height less a few lines for
    /// the prompt and the caption (40 lines without a terminal).
    var pictureRoom: (columns: Int, lines: Int) {
        (columns, rows.map { max(4, $0 - 3) } ?? 40)
    }

    /// How images are drawn: true grays on a colour terminal, shade characters otherwise.
    var imageStyle: TerminalImage.Style { useColour ? .ansiGray : .shades }

    /// Writes a text file (an SVG, a CSV) atomically, as the `to=` options do, making its
    /// folder first when it is missing (`to="results/fit.svg"`).
    func writeTextFile(_ path: String, _ text: String, parameter: String = "to") throws(CommandError) {
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CommandError("cannot write \(path): \((error as NSError).localizedDescription)", parameter: parameter)
        }
    }
}
