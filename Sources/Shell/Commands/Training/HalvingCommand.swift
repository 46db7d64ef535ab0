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
    ] + Search.parameters.dropFirst(2)
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
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let search = try Search(a, shell)
        let first = try a.int("epochs"), keep = try a.number("keep"), maxRounds = try a.optionalInt("rounds")
        let table = TableObject()
        if !search.quiet {
            shell.print("halving: " + search.header + "; keep \(Format.apply(".0%", to: .number(keep))) per round")
        }
        var alive = (0..<search.space.count).map(search.makeTrial)
        var round = 1
        while true {
            let total = max(1, Int((Double(first) * pow(1 / keep, Double(round - 1))).rounded()))
            let started = ContinuousClock.now
            for trial in alive {
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
}
