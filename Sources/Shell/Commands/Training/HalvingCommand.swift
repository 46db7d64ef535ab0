import Engine
import Foundation

/// `halving net data lr=[...] l2=[...] epochs=2 keep=0.5`: successive halving.
struct HalvingCommand: Command {
    static let name = "halving"
    static let group = CommandGroup.training
    static let summary = "Successive halving: train many configurations briefly, keep the best fraction, train those longer, repeat."
    static let parameters: [Parameter] = [Search.parameters[0], Search.parameters[1]] + [
        .option("epochs", .integer(1...1_000_000), default: .number(2), help: "the first round's epochs; each round multiplies the total by 1/keep"),
        .option("keep", .numberIn(0.01...0.99), default: .number(0.5), help: "the fraction of configurations kept after each round (rounded up)"),
        .option("rounds", .integer(1...100), help: "stop after this many rounds (default: when one configuration is left)"),
    ] + Search.parameters.dropFirst(2).filter { $0.kind != .keywords } + SlurmSweep.parameters + [
        .option("round", .integer(1...100), help: "a worker's (with dir= and configurations=): train those configurations through this round and write their scores to dir"),
    ] + Search.parameters.filter { $0.kind == .keywords }
    static let example = """
        r = runge n=60 noise=0.05 seed=1
        net = network 1
        add net dense 8 tanh
        add net dense 1 linear
        h = halving net r lr=[0.003, 0.01, 0.03, 0.1] epochs=2 keep=0.5 seed=1 quiet
        print h.rows
        """
    static let details = """
        Round 1 trains every configuration (each run a fresh copy of the network, as in grid)
        for epochs= epochs and scores it; the best ⌈n·keep⌉ go on. Each later round trains the
        survivors further (continuing from their weights and optimiser state) until they have
        had epochs/keep^(round−1) epochs in all, then keeps the best fraction again, until one
        configuration is left (or rounds= rounds ran). Most of the budget thus goes to the
        promising configurations. The table has one row per configuration and round: its
        settings, round, epochs (in all), the score (mean over runs), score_std with several
        runs, and kept (whether it went on, or won the last round). Ctrl-C stops and keeps the
        finished rounds' rows.

        runner=slurm runs each round as one Slurm array job over the configurations still in,
        as grid runner=slurm does (docs/SCALING.md); a task trains its configurations afresh
        through the round (the same epochs, so the same scores as here) and the ranking is
        made at the prompt. A round with missing configurations stops there, marking them
        missing; running the same line again goes on from that round.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let search = try Search(a, shell)
        let first = try a.int("epochs"), keep = try a.number("keep"), maxRounds = try a.optionalInt("rounds")
        func total(_ round: Int) -> Int { max(1, Int((Double(first) * pow(1 / keep, Double(round - 1))).rounded())) }
        var remote: (sweep: SlurmSweep, folder: SweepFolder)?
        if try a.string("runner") != "local" {
            var sweep = SlurmSweep(search: search, arguments: a, shell: shell)
            sweep.command = name
            sweep.ownWords = ["epochs=\(first)", "keep=" + SlurmSweep.exactLiteral(.number(keep))] + (maxRounds.map { ["rounds=\($0)"] } ?? [])
            if a.has("round") { throw CommandError("round: given to the workers by runner=slurm itself", parameter: "round") }
            remote = (sweep, try sweep.prepare())
        } else {
            // runner=local ignores the Slurm settings, so a script switches runner= alone.
            if a.has("round") { return try work(search, a, shell, total: total) }
            if a.has("configurations") {
                throw CommandError("configurations: a halving worker's, with dir= and round= (runner=slurm gives them)", parameter: "configurations")
            }
        }
        let table = TableObject()
        if !search.quiet, remote == nil {
            shell.print("halving: " + search.header + "; keep \(Format.apply(".0%", to: .number(keep))) per round")
        }
        var alive = (0..<search.space.count).map { i in remote == nil ? search.makeTrial(i) : Search.Trial(index: i, settings: search.space.configuration(i)) }
        var round = 1
        while true {
            let total = total(round)
            let started = ContinuousClock.now
            if let (sweep, folder) = remote {
                if let stop = try remoteRound(sweep, folder, round: round, alive: alive, table: table) { return stop }
            }
            for trial in alive where remote == nil {
                let more = total - trial.epochs
                let finished = more <= 0 ? true : try search.trainAndScore(trial, epochs: more)
                guard finished else {
                    shell.acknowledgeInterrupt()
                    shell.print("halving stopped by Ctrl-C in round \(round); the table keeps the \(round - 1) finished round\(round == 2 ? "" : "s")")
                    return .object(table)
                }
            }
            let ranked = alive.sorted { search.isBetter($0.mean, than: $1.mean) || ($0.mean == $1.mean && $0.index < $1.index) }
            let last = alive.count == 1 || round == maxRounds
            let kept = last ? 1 : max(1, Int((Double(alive.count) * keep).rounded(.up)))
            let survivors = Set(ranked.prefix(kept).map(\.index))
            for trial in alive {
                table.append(search.row(trial) + [("round", .number(Double(round))), ("epochs", .number(Double(trial.epochs))),
                                                  ("kept", .bool(survivors.contains(trial.index)))])
            }
            if !search.quiet {
                shell.print("round \(round): \(alive.count) configuration\(alive.count == 1 ? "" : "s") × \(counted(total, "epoch")), kept \(kept); "
                            + "best \(ranked[0].label)  \(search.figure(ranked[0]))  " + EpochLine.duration(Search.seconds(since: started)))
            }
            alive = ranked.filter { survivors.contains($0.index) }
            if last || alive.count == 1 {
                if !search.quiet { shell.print("winner: \(alive[0].label)  \(search.figure(alive[0])) after \(alive[0].epochs) epochs") }
                return .object(table)
            }
            round += 1
        }
    }

    /// Round `round` on Slurm: the trials get their scores and epochs from the sweep's folder,
    /// after one array job for those missing. Nil to go on; else what halving gives (none for
    /// a dry run, or the table with this round's missing configurations marked).
    private static func remoteRound(_ sweep: SlurmSweep, _ folder: SweepFolder, round: Int, alive: [Search.Trial],
                                    table: TableObject) throws(CommandError) -> Value? {
        let search = sweep.search, indices = alive.map(\.index)
        var results = sweep.results(folder, round: round)
        let missing = indices.filter { results[$0] == nil }
        if !missing.isEmpty {
            guard try sweep.submitAndWait(folder, configurations: indices, missing: missing, round: round) else { return Value.none }
            results = sweep.results(folder, round: round)
        }
        for trial in alive {
            if let r = results[trial.index] { trial.scores = r.scores; trial.epochs = r.epochs ?? 0 }
        }
        let lost = indices.filter { results[$0] == nil }
        guard !lost.isEmpty else { return nil }
        for trial in alive {
            let at: [(String, Value)] = [("round", .number(Double(round)))]
            if results[trial.index] != nil {
                table.append(search.row(trial) + at + [("epochs", .number(Double(trial.epochs)))])
            } else {
                var row: [(String, Value)] = trial.settings.map { ($0.name, $0.value) }
                row.append((search.score, .none))
                if search.runsPerConfiguration > 1 { row.append((search.score + "_std", .none)) }
                row += at + [("epochs", .none), ("missing", .string(folder.logPath(of: trial.index) ?? "(not submitted)"))]
                table.append(row)
            }
        }
        sweep.shell.print("round \(round): " + SlurmSweep.lostMessage(lost.count))
        return .object(table)
    }

    /// A worker of a sweep (dir=): trains each of its configurations afresh through round=
    /// exactly as the rounds here would, and writes its scores and epochs to the folder.
    private static func work(_ search: Search, _ a: Arguments, _ shell: Interpreter, total: (Int) -> Int) throws(CommandError) -> Value {
        guard let dir = try a.optionalString("dir") else {
            throw CommandError("round: a halving worker's, with dir= and configurations= (runner=slurm gives them)", parameter: "round")
        }
        let folder = SweepFolder(dir)
        try folder.verify()
        let last = try a.int("round")
        for i in try SlurmSweep.configurations(a, count: search.space.count) {
            let trial = search.makeTrial(i)
            for round in 1...last {
                let more = total(round) - trial.epochs
                let finished = more <= 0 ? true : try search.trainAndScore(trial, epochs: more)
                guard finished else {
                    shell.acknowledgeInterrupt()
                    shell.print("halving stopped by Ctrl-C; configuration \(i) was not written")
                    return .none
                }
            }
            try folder.writeResult(i, round: last, scores: trial.scores, epochs: trial.epochs)
        }
        return .none
    }
}
