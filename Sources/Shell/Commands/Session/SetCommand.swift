import Engine

/// `set seed 1`, `set threads 2` (or `auto`), `set precision float64`, `set max_memory 2GB`,
/// `set skip_zero_inputs false`.
struct SetCommand: Command {
    static let name = "set"
    static let group = CommandGroup.session
    static let summary = "Set the random seed, threads, the precision of new networks, the memory limit, or zero-input skipping."
    static let parameters: [Parameter] = [
        .positional("setting", .cases(Setting.self), help: "what to set"),
        .positional("value", .oneOf([.number, .bool, .cases(Precision.self), .cases(Automatic.self), .string]), default: Value.none, help: "the new value; without it, show the current one"),
    ]
    static let example = """
        set seed 1993
        set threads auto
        set precision float64
        print (set max_memory)
        set skip_zero_inputs false
        """
    static let details = """
        seed       restarts the session's random generator (weights, shuffling, splits)
        threads    threads for training and matrix products: a number from 1 to 64, or auto
                   (the default): up to every CPU (or OPENBLAS_NUM_THREADS), and each train
                   whose network is big enough to split takes only the CPUs no other program
                   is busy on when it starts, says so when that is fewer, and keeps that
                   count to its end, resume included. The same seed and thread count give
                   the same weights; a number keeps the count whatever the load. A sweep
                   (grid, halving) trains every configuration on the full count, so its
                   table does not depend on the load
        precision  \(alternatives(Precision.allCases.map { $0.rawValue + ($0 == Interpreter.defaultPrecision ? " (default)" : "") })) for networks made after this
        max_memory the session's memory budget, in bytes (2GB, 512MB, or "2GB"): what its
                   variables hold (datasets, networks, lists, strings) plus any one request
                   must fit; a larger request is refused with an error before anything is
                   allocated (vars lists what is held, forget frees it). Default: 3/4 of
                   physical memory (nnsh --max-memory)
        skip_zero_inputs
                   true (default): training leaves the input columns that are zero in a whole
                   batch out of the first layer's two matrix products (the same sums without
                   their zero terms; MNIST's blank borders make them 37% smaller). false: the
                   products run over every column
        """

    /// What `set` sets.
    enum Setting: String, CaseIterable {
        case seed, threads, precision, max_memory, skip_zero_inputs
    }

    /// `set threads auto`.
    enum Automatic: String, CaseIterable {
        case auto
    }

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let setting = try a.choice("setting", as: Setting.self)
        let value = a.values["value"] ?? .none
        switch setting {
        case .seed:
            if value.isNone { return .number(Double(shell.seed)) }
            guard case .number(let x) = value, x == x.rounded(), x >= 0, x < 1e15 else {
                throw CommandError("seed: expected a whole number ≥ 0, got \(value.literal)", parameter: "value")
            }
            shell.seed = UInt64(x)
            shell.generator = RandomGenerator(seed: shell.seed)
        case .threads:
            if value.isNone { return shell.threads.map { .number(Double($0)) } ?? .string(Automatic.auto.rawValue) }
            if case .string(Automatic.auto.rawValue) = value {
                BLASThreads.set(BLASThreads.initial)
                shell.threads = nil
                return .none
            }
            guard case .number(let x) = value, x == x.rounded(), x >= 1, x <= 64 else {
                throw CommandError("threads: expected a whole number from 1 to 64 or auto, got \(value.literal)", parameter: "value")
            }
            BLASThreads.set(Int(x))
            shell.threads = Int(x)
        case .skip_zero_inputs:
            if value.isNone { return .bool(shell.skipsZeroInputs) }
            guard case .bool(let on) = value else {
                throw CommandError("skip_zero_inputs: expected true or false, got \(value.literal)", parameter: "value")
            }
            shell.skipsZeroInputs = on
        case .max_memory:
            if value.isNone { return .string(MemoryLimit.describe(MemoryLimit.bytes)) }
            let bytes: Int?
            switch value {
            case .number(let x): bytes = x.isFinite && x >= 0x1p20 && x < 0x1p62 ? Int(x) : nil
            case .string(let s): bytes = MemoryLimit.parse(s).flatMap { $0 >= 1 << 20 ? $0 : nil }
            default: bytes = nil
            }
            guard let bytes else {
                throw CommandError("max_memory: expected a size of at least 1MB (2GB, 512MB), got \(value.literal)", parameter: "value")
            }
            MemoryLimit.set(bytes: bytes)
        case .precision:
            if value.isNone { return .string(shell.precision.rawValue) }
            guard case .string(let p) = value, let precision = Precision(rawValue: p) else {
                throw CommandError("precision: expected \(alternatives(Precision.allCases.map(\.rawValue), "or")), got \(value.literal)",
                                   parameter: "value")
            }
            shell.precision = precision
        }
        return .none
    }
}
