import Data
import Engine
import ModelFiles
import Foundation
import Plots

/// `save net "m.nnm"` (a model file), `save scores "grid.csv"`, `save net.history "h.csv"`,
/// `save data "data.csv"`, `save data "data.npz"`.
struct SaveCommand: Command {
    static let name = "save"
    static let group = CommandGroup.files
    static let summary = "Save a network as a model file, a dataset as CSV or NumPy arrays, or a results table or history as CSV."
    static let parameters: [Parameter] = [
        .positional("what", .oneOf([CommonParameters.network, CommonParameters.dataset, .object(TableObject.self), .object(HistoryObject.self), .word(["transcript"])]),
                    help: "a network, a dataset, a results table (grid), a history (net.history), or transcript: what was typed at the prompt, as a script"),
        .positional("file", .path, help: "the file to write (replaced atomically)").writing(),
        .flag("weights_only", help: "for a network: leave out the optimiser's state (smaller; training then restarts the optimiser)"),
    ]
    static let example = """
        net = network 1
        add net dense 1 linear
        train net (runge n=10) epochs=1 quiet
        save net "/tmp/runge.nnm"
        save net.history "/tmp/runge-history.csv"
        save (runge n=10) "/tmp/runge.csv"
        """
    static let details = """
        A model file holds the architecture, weights, cost, the optimiser's state, the training
        history, the input standardisation and class names of the training data, the random
        generator and seed its training draws from (so load and train continue exactly), and provenance: nnsh
        version, date, the options and final metrics of the last train, the SHA-256 of the data
        it trained on, and the commands that built and trained the network; see docs/FORMAT.md
        and info. It is written to a temporary file first, so a crash leaves the old file.

        A dataset is written as CSV, so other tools can check it: a header row, then per
        example its features (x0, x1, ...; pixels as 0 to 255, other values exactly), then its
        class name or number (label) or its targets (y, or y0, y1, ...). Standardized data are
        written as scaled. save prints the csv command that reads the file back into the same
        dataset (noiseless targets and the raw x of runge data are not written). A dataset
        saved as .npz is a NumPy archive (numpy.load reads it) of the arrays inputs (count ×
        features, or count × rows × columns for images: uint8 pixels 0 to 255, else float32 or
        float64), labels (int64) and class_names (text) for class data, or targets (float64);
        npz reads it back.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let path = try a.string("file")
        switch try a.value("what") {
        case .object(let net as NetworkObject):
            let ext = (path as NSString).pathExtension.lowercased()
            if ["csv", "svg", "txt", "json", "png"].contains(ext) {
                throw CommandError("a network is saved as a model file (name it .nnm); a .\(ext) file would hold "
                                   + "nnsh's binary model format" + (ext == "csv" ? " (its training history as CSV: save \(argumentText(a, "what")).history \"\(path)\")" : ""),
                                   parameter: "file")
            }
            do {
                try ModelFile.write(net.network, to: path, extras: extras(net, shell, optimizer: !a.bool("weights_only")))
            } catch {
                throw CommandError(error, parameter: "file")
            }
            net.savedMark = net.trainingMark
            shell.print("saved \(net.shape) to \(path)")
        case .object(let data as DatasetObject):
            let ext = (path as NSString).pathExtension.lowercased()
            if ext == "npz" {
                do { try data.dataset.numpyArchive().write(to: path) } catch { throw CommandError(error.description, parameter: "file") }
                shell.print("saved \(counted(data.dataset.count, "example")) to \(path) (read it back: npz \(Value.string(path).literal))")
                return .none
            }
            guard ext == "csv" else {
                throw CommandError("a dataset is saved as CSV or as NumPy arrays (name it .csv or .npz)" + (ext.isEmpty ? "" : ", not as a .\(ext) file"),
                                   parameter: "file")
            }
            try shell.writeTextFile(path, CSV.text(of: data.dataset), parameter: "file")
            shell.print("saved \(counted(data.dataset.count, "example")) to \(path) (read it back: \(readBack(path, data.dataset)))")
        case .object(let table as TableObject):
            let rows = table.rows.map { row in table.columns.map { TableObject.cell(row[$0] ?? .none) } }
            try shell.writeTextFile(path, Table(header: table.columns, rows: rows).csv(), parameter: "file")
            shell.print("saved \(counted(table.rows.count, "row")) to \(path)")
        case .object(let h as HistoryObject):
            try shell.writeTextFile(path, ViewTables.history(h.history).csv(), parameter: "file")
            shell.print("saved \(counted(h.history.epochs.count, "epoch")) of history to \(path)")
        case .string("transcript"):
            // What ran, without the entries that only look at the session itself.
            let ran = shell.transcript.filter(\.ran).map(\.source).filter { entry in
                let words = entry.split(whereSeparator: \.isWhitespace)
                return !(words == ["history"] || words.starts(with: ["save", "transcript"]))
            }
            guard !ran.isEmpty else {
                throw CommandError("nothing typed at the prompt has run yet: transcript saves those entries", parameter: "what")
            }
            try shell.writeTextFile(path, "# nnsh transcript: the entries typed at the prompt that ran without an error\n"
                                    + ran.joined(separator: "\n") + "\n", parameter: "file")
            shell.print("saved \(ran.count) entr\(ran.count == 1 ? "y" : "ies") to \(path)")
        case let v:
            throw CommandError("what: cannot save \(v.typeDescription)", parameter: "what")
        }
        return .none
    }

    /// The `csv` command that reads a dataset saved at `path` back (CSV.readingOptions).
    static func readBack(_ path: String, _ data: Dataset) -> String {
        let options = CSV.readingOptions(for: data)
        var words = ["csv", Value.string(path).literal]
        if options.label != nil { words.append("label=\"label\"") }
        let targets = CSV.columnNames(of: data).dropFirst(data.inputWidth)
        if case .values = data.targets {
            words.append("target=" + (targets.count == 1 ? Value.string(targets[targets.startIndex]).literal
                                      : Value.list(targets.map { .string($0) }).literal))
        }
        switch options.classes {
        case .names(let names)?: words.append("classes=" + Value.list(names.map { .string($0) }).literal)
        case .count(let k)?: words.append("classes=\(k)")
        case nil: break
        }
        if options.pixels { words.append("pixels") } else if options.precision == .double { words.append("precision=float64") }
        return words.joined(separator: " ")
    }

    /// The model file's extras: the preprocessing of the training data, the session's
    /// generator and the seed it started from (so training resumes exactly), and provenance:
    /// the options of the last `train` (with its `seed=`, if given), its final metrics, the
    /// training data's SHA-256 and the commands that built and trained the network.
    static func extras(_ net: NetworkObject, _ shell: Interpreter, optimizer: Bool) -> ModelExtras {
        let provenance = Provenance(
            date: Int64(Date().timeIntervalSince1970), seed: shell.seed(for: net),
            trainingOptions: net.trainingOptions.map { NamedText($0.0, $0.1) },
            metrics: Provenance.finalMetrics(of: net.network.history),
            trainingDataSHA256: net.trainingDataSHA256, commands: net.log)
        return ModelExtras(preprocessing: net.preprocessing, generator: net.generator ?? shell.generator,
                           provenance: provenance, includeOptimizerState: optimizer)
    }
}

/// `m = load "m.nnm"`: a network from a model file.
struct LoadCommand: Command {
    static let name = "load"
    static let group = CommandGroup.files
    static let summary = "Load a network from a model file (with its history, optimiser state and input scaling)."
    static let parameters: [Parameter] = [
        .positional("file", .path, help: "the model file"),
    ]
    static let example = """
        m = load "Models/mnist.nnm"
        classify m "digit.png"
        """
    static let details = """
        Damaged, truncated or newer-version files are refused with one line saying what is wrong
        and what to do. Training a loaded network continues with its saved optimiser state and
        its own random generator (saved in the file), so train without seed= shuffles exactly as
        an uninterrupted run would have; the session's generator and seed are left as they were.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let path = try a.string("file")
        let loaded: LoadedNetwork
        do { loaded = try ModelFile.read(path) } catch { throw CommandError(error, parameter: "file") }
        let net = NetworkObject(loaded: loaded)
        net.savedMark = net.trainingMark
        net.log = loaded.provenance.commands + ["load \"\(path)\""]
        net.trainingOptions = loaded.provenance.trainingOptions.map { ($0.name, $0.value) }
        net.loadedTrainingDataSHA256 = loaded.provenance.trainingDataSHA256
        // The network keeps the saved generator (and seed) to go on training exactly; the
        // session's generator is not touched.
        net.generator = loaded.generator
        net.seed = loaded.provenance.seed
        return .object(net)
    }
}

/// `info "m.nnm"`: what a model file holds, without loading it.
struct InfoCommand: Command {
    static let name = "info"
    static let group = CommandGroup.files
    static let summary = "Describe a model file (architecture, metrics, provenance) without loading it."
    static let parameters: [Parameter] = [
        .positional("file", .path, help: "the model file"),
    ]
    static let example = """
        info "Models/mnist.nnm"
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let path = try a.string("file")
        do {
            shell.print(try ModelFile.info(path).lines.joined(separator: "\n"))
        } catch {
            throw CommandError(error, parameter: "file")
        }
        return .none
    }
}
