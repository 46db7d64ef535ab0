import Engine

/// `set seed 1`, `set threads 2`, `set precision float64`.
struct SetCommand: Command {
    static let name = "set"
    static let group = CommandGroup.session
    static let summary = "Set the random seed, BLAS threads, or the precision of new networks."
    static let parameters: [Parameter] = [
        .positional("setting", .word(["seed", "threads", "precision"]), help: "what to set"),
        .positional("value", .oneOf([.number, .word(["float32", "float64"])]), default: Value.none, help: "the new value; without it, show the current one"),
    ]
    static let example = """
        set seed 1993
        set threads 2
        set precision float64
        """
    static let details = """
        seed       restarts the session's random generator (weights, shuffling, splits)
        threads    threads BLAS may use for matrix products (1 to 64)
        precision  float32 (default) or float64 for networks made after this
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let setting = try a.string("setting")
        let value = a.values["value"] ?? .none
        switch setting {
        case "seed":
            if value.isNone { return .number(Double(shell.seed)) }
            guard case .number(let x) = value, x == x.rounded(), x >= 0, x < 1e15 else {
                throw CommandError("seed: expected a whole number ≥ 0, got \(value.literal)", parameter: "value")
            }
            shell.seed = UInt64(x)
            shell.generator = RandomGenerator(seed: shell.seed)
        case "threads":
            if value.isNone { return .number(Double(BLASThreads.current)) }
            guard case .number(let x) = value, x == x.rounded(), x >= 1, x <= 64 else {
                throw CommandError("threads: expected a whole number from 1 to 64, got \(value.literal)", parameter: "value")
            }
            BLASThreads.set(Int(x))
        default:
            if value.isNone { return .string(shell.precision) }
            guard case .string(let p) = value, p == "float32" || p == "float64" else {
                throw CommandError("precision: expected float32 or float64, got \(value.literal)", parameter: "value")
            }
            shell.precision = p
        }
        return .none
    }
}
