import Foundation

/// `usage "[quick] [folder]" max=2`: a script checks its arguments before it starts work.
struct UsageCommand: Command {
    static let name = "usage"
    static let group = CommandGroup.language
    static let summary = "Check a script's arguments: on -h or --help print its usage and stop; refuse options and wrong counts."
    static let parameters: [Parameter] = [
        .positional("text", .string, help: "what follows the script's name in its usage line, e.g. \"[quick] [folder]\""),
        .option("min", .integer(0...1000), default: .number(0), help: "the fewest arguments it takes"),
        .option("max", .integer(0...1000), help: "the most arguments it takes (default: no limit)"),
        .option("words", .list, help: "the only arguments it takes, e.g. [\"quick\"] (default: any)"),
        .option("keywords", .list, help: "the words it knows beside free ones such as a folder, e.g. [\"quick\", \"split\"]: an argument close to one of them is refused as a slip unless it names a file or folder that exists"),
    ]
    static let example = """
        usage "[quick] [folder]" max=2
        usage "[quick]" max=1 words=["quick"]
        usage "[quick] [split] [folder]" max=3 keywords=["quick", "split"]
        """
    static let details = """
        Put it at the top of a script that takes arguments. With -h or --help among the
        arguments it prints "usage: SCRIPT TEXT" and the script stops there (status 0; a script
        started by run returns to its caller). An argument that looks like an option (-x, --x),
        or fewer than min or more than max arguments, is an error that shows the usage line; so
        is, with words=, an argument that is not one of them (a slip such as "qiuck" must not
        start the full run). With keywords=, other arguments are free (a folder, a file), but
        one within a slip of a keyword ("qiuck", "spilt") is refused naming the keyword,
        unless a file or folder of that name exists; write ./qiuck to mean a new folder.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let line = "usage: \(shell.runStack.last ?? "script") \(try a.string("text"))"
        let arguments = shell.scriptArguments
        if arguments.contains(where: { $0 == "-h" || $0 == "--help" }) {
            shell.print(line)
            shell.quitCode = 0
            shell.endsScriptOnly = true
            return .none
        }
        if let option = arguments.first(where: Self.looksLikeOption) {
            throw CommandError("unknown option '\(option)' (\(line))")
        }
        let count = arguments.count, least = try a.int("min"), most = try a.optionalInt("max") ?? Int.max
        guard count >= least, count <= most else {
            let wanted = most == Int.max ? "at least \(least)" : least == most ? "\(least)" : least == 0 ? "at most \(most)" : "\(least) to \(most)"
            throw CommandError("takes \(wanted) argument\(wanted == "1" ? "" : "s"), got \(count) (\(line))")
        }
        if a.has("words") {
            let words = try strings(a, "words")
            if let unknown = arguments.first(where: { !words.contains($0) }) {
                let expected = words.count == 1 ? words[0] : "one of " + words.joined(separator: ", ")
                throw CommandError("unknown argument '\(unknown)': expected \(expected) (\(line))")
            }
        }
        if a.has("keywords") {
            let keywords = try strings(a, "keywords")
            for argument in arguments where !keywords.contains(argument) && !FileManager.default.fileExists(atPath: argument) {
                guard let near = Suggest.closest(argument, among: keywords).first else { continue }
                throw CommandError("unknown argument '\(argument)': did you mean \(near)? (for a new file or folder of that name, write ./\(argument)) (\(line))")
            }
        }
        return .none
    }

    /// The list option `name` as strings.
    private static func strings(_ a: Arguments, _ name: String) throws(CommandError) -> [String] {
        var words: [String] = []
        for w in try a.list(name) {
            guard case .string(let s) = w else {
                throw CommandError("\(name): expected a list of strings, e.g. [\"quick\"], got \(w.typeDescription) \(w.display)", parameter: name)
            }
            words.append(s)
        }
        return words
    }

    /// `-x` or `--x`, but not a negative number such as -0.5.
    static func looksLikeOption(_ argument: String) -> Bool {
        guard argument.hasPrefix("-"), argument.count > 1 else { return false }
        return Double(argument) == nil
    }
}
