/// `help`, `help train`, `help language`, `help adam` (a concept: see `ConceptHelp`); `?adam`.
struct HelpCommand: Command {
    static let name = "help"
    static let group = CommandGroup.session
    static let summary = "List the commands, or explain one (help train) or a concept (help adam, help relu, ?l2)."
    static let parameters: [Parameter] = [
        .positional("topic", .column, default: Value.none, help: "a command name, 'language' for the syntax, or a concept such as adam, relu, mse, l2, dropout"),
    ]
    static let example = """
        help
        help train
        help adam
        """
    static let details = """
        Text is wrapped to the terminal's width. On a terminal, a page longer than the screen goes
        through $PAGER (else less -FRX, when there is one); PAGER= (empty) prints it straight.
        ?WORD and WORD? are short for help WORD.
        """

    /// Everything `help` explains, for Tab completion.
    static var topics: [String] { CommandTable.names + ["language", "concepts"] + ConceptHelp.topics }

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let width = shell.columns - 1
        guard let topic = try a.optionalString("topic") else {
            shell.page(Help.overview(width: width))
            return .none
        }
        if topic == "language" {
            shell.page(TextWrap.lines(LanguageHelp.text, width: width))
            return .none
        }
        if let c = CommandTable.command(named: topic) {
            shell.page(Help.page(c, width: width))
            return .none
        }
        if case .procedure(let p)? = shell.lookup(topic) {
            shell.print("usage: \(p.usage)\n\n\(topic) is a procedure defined in this session.")
            return .none
        }
        if let text = ConceptHelp.page(topic) {
            shell.page(TextWrap.lines(text, width: min(width, 100)))
            return .none
        }
        let close = Suggest.closest(topic, among: topics)
        throw CommandError("no command or concept '\(topic)'"
            + (close.isEmpty ? "; type help for the list" : "; did you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?"),
            parameter: "topic")
    }
}

/// The short syntax reference shown by `help language` (the full one is docs/LANGUAGE.md).
enum LanguageHelp {
    static let text = """
        The nnsh language (full reference: docs/LANGUAGE.md)

          x = 3                         variables; numbers, "strings", true/false, none
          xs = [1, 2, 3]                lists; xs[0], xs[-1], xs.count
          0..<10   1...10               ranges (half-open, closed)
          + - * / % ^  == != < <= > >=  and or not    arithmetic, comparison, logic
          print "x = {x:.3f}"           strings interpolate {expression:format}
          net = network 784             a command: verb, arguments, key=value options, flags
          (eval net test).accuracy      a command in parentheses gives its value; .field reads it
          max(1, 2)                     the same call written with parentheses and commas
          if x > 1 { ... } else { ... } blocks span lines; at the prompt keep '} else {' on one line
          for lr in [0.1, 0.01] { ... } also: while cond { ... }, break, continue
          proc f(a, b=2) { return a * b }    then: f 3  or  f(3, b=4)  or  (f 3)
          r = run "f.nnsh" 0.1 relu     run a script in its own scope, args ["0.1", "relu"]; r.x
                                        is its variable x (run "f.nnsh" shared: run it here)
          # comment                     to the end of the line
          ?adam   help adam             what a command or a concept (adam, relu, l2, mse...) means
        """
}
