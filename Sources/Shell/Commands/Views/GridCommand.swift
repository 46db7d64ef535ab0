import Engine
import Foundation

/// `scores = grid`: an empty results table, filled by `record`.
/// `scores = grid net data lr=[1e-3, 1e-2] l2=[0, 1e-4] folds=5`: a grid search, one row per
/// configuration (see `Search` for how each is trained and scored).
struct GridCommand: Command {
    static let name = "grid"
    static let group = CommandGroup.views
    static let summary = "An empty results table (record adds rows), or a grid search over train options: grid net data lr=[...] folds=5."
    static let parameters: [Parameter] = Search.parameters.map { p in
        p.kind == .positional ? .positional(p.name, p.type, default: Value.none, help: p.help + " (both omitted: an empty table)") : p
    }.filter { $0.kind != .keywords } + SlurmSweep.parameters + Search.parameters.filter { $0.kind == .keywords }
    static let example = """
        scores = grid
        record scores lr=0.1 act="relu" mse=0.02
        r = runge n=40 noise=0.05 seed=1
        net = network 1
        add net dense 8 tanh
        add net dense 1 linear
        s = grid net r lr=[0.01, 0.03] l2=[0, 1e-4] epochs=5 folds=2 seed=1 quiet
        print s.rows
        """
    static let details = """
        Without a network and data, grid gives an empty table for record. With them, it trains
        every combination of the list-valued train options (the last varying fastest; single
        values apply to all), each run a fresh copy of the network's architecture with weights
        drawn from its own seed (seed, seed+1, ... for repeats; layers get their activation's
        default initialisation). Runs are scored by eval on what they did not train on: k folds
        (folds=), a validation set (validate=) or a hold-out part of data (holdout=, default 0.2).
        The table has a column per searched option, then the score (mean over the runs) and,
        with several runs, score_std (their standard deviation). Print it, heatmap it, save it
        as CSV, or take best. Ctrl-C stops the search and keeps the finished rows.

        runner=slurm hands the search to a Slurm cluster as one array job (see docs/SCALING.md):
        the data, the untrained network (both checksummed) and a script holding this grid line
        go to dir=, and each array task is an nnsh process that trains its configurations and
        writes their scores there. The prompt waits with a progress line; Ctrl-C cancels the
        job. The merged table equals the local one for the same seed and threads. A
        configuration whose task failed or was cancelled has no score and its task's log in a
        missing column; running the same line again submits only those. runner=parallel runs
        the same tasks with GNU parallel, here or over hosts= sharing the folder.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        guard a.has("net") || a.has("data") else {
            for p in parameters where p.kind != .positional && a.has(p.name) {
                throw CommandError("\(p.name): a grid search needs a network and data: grid net data \(p.name)=...", parameter: p.name)
            }
            if let first = a.keywords.first {
                throw CommandError("a grid search needs a network and data: grid net data \(first.key)=...", parameter: first.key)
            }
            return .object(TableObject())
        }
        let search = try Search(a, shell)
        if try a.string("runner") != "local" { return try SlurmSweep(search: search, arguments: a, shell: shell).run() }
        // runner=local ignores the Slurm settings, so a script switches runner= alone.
        let chosen = try SlurmSweep.configurations(a, count: search.space.count)
        // A worker of a sweep (dir= and configurations=) checks the folder's files before it
        // trains anything.
        let folder = a.has("configurations") ? try a.optionalString("dir").map(SweepFolder.init) : nil
        try folder?.verify()
        let table = TableObject()
        if !search.quiet { shell.print("grid: " + search.header) }
        var best: Search.Trial?
        for (n, i) in chosen.enumerated() {
            let started = ContinuousClock.now
            let trial = search.makeTrial(i)
            guard try search.trainAndScore(trial) else {
                shell.acknowledgeInterrupt()
                shell.print("grid stopped by Ctrl-C after \(table.rows.count) of \(chosen.count) configurations; the table keeps their rows")
                return .object(table)
            }
            try folder?.writeResult(i, scores: trial.scores)
            table.append(search.row(trial))
            if best == nil || search.isBetter(trial.mean, than: best!.mean) { best = trial }
            if !search.quiet {
                shell.print("[\(n + 1)/\(chosen.count)] \(trial.label)  \(search.figure(trial))  "
                            + EpochLine.duration(Search.seconds(since: started)))
            }
        }
        if !search.quiet, let best { shell.print("best: \(best.label)  \(search.figure(best))") }
        return .object(table)
    }
}

/// `record scores lr=lr act=act mse=m`: appends one row.
struct RecordCommand: Command {
    static let name = "record"
    static let group = CommandGroup.views
    static let summary = "Append a row of named values to a results table."
    static let parameters: [Parameter] = [
        .positional("table", .object(TableObject.self), help: "the results table (made by grid)"),
        .keywords("column", help: "the row's values, column=value; new columns are added as they appear"),
    ]
    static let example = """
        scores = grid
        for lr in [0.01, 0.1] { record scores lr=lr mse=lr * 2 }
        print scores.mse
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let table = try a.object("table", as: TableObject.self)
        guard !a.keywords.isEmpty else {
            throw CommandError("record needs values to record: record \(a.locations["table"] == nil ? "t" : "table") lr=0.1 mse=0.02")
        }
        for (key, value) in a.keywords {
            switch value {
            case .number, .string, .bool, .none: continue
            default:
                throw CommandError("\(key): a table cell holds a number, string or bool, not \(value.typeDescription)", parameter: key)
            }
        }
        table.append(a.keywords.map { ($0.key, $0.value) })
        return .none
    }
}
