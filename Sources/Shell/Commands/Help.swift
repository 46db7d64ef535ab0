/// Help text, produced from the commands' declarations.
enum Help {
    /// `train net data [epochs=n] ...`: the command, its positional parameters, then options
    /// and flags in brackets.
    static func usage(_ c: any Command.Type) -> String {
        var parts = [c.name]
        for p in c.parameters {
            switch p.kind {
            case .positional: parts.append(p.defaultValue == nil ? p.name : "[\(p.name)]")
            case .variadic: parts.append("[\(p.name)...]")
            case .option: parts.append("[\(p.name)=\(p.type.placeholder)]")
            case .flag: parts.append("[\(p.name)]")
            case .keywords: parts.append("\(p.name)=value...")
            }
        }
        return parts.joined(separator: " ")
    }

    /// The usage for an error message: the whole usage when short, else the positional
    /// arguments and where to read the rest: `train net data ...; see help train`.
    static func shortUsage(_ c: any Command.Type) -> String {
        let full = usage(c)
        guard full.count > 40 else { return full }
        let positionals = c.parameters.filter { $0.kind == .positional && $0.defaultValue == nil }.map(\.name)
        return ([c.name] + positionals).joined(separator: " ") + " ...; see help \(c.name)"
    }

    /// The `help` overview: commands by group, each with its summary.
    static func overview(width: Int? = nil) -> String {
        var lines = ["nnsh commands (help NAME for details, help language for the syntax):"]
        let column = (CommandTable.names.map(\.count).max() ?? 8) + 2
        for group in CommandGroup.allCases {
            let commands = CommandTable.all.filter { $0.group == group }
            guard !commands.isEmpty else { continue }
            lines.append("")
            lines.append("\(group.rawValue):")
            for c in commands {
                lines.append("  " + c.name.padding(toLength: column, withPad: " ", startingAt: 0) + c.summary)
            }
        }
        lines.append("")
        lines.append("help WORD also explains optimizers, activations, costs and more: help adam, help relu, help concepts.")
        let text = lines.joined(separator: "\n")
        return width.map { TextWrap.lines(text, width: $0) } ?? text
    }

    /// `help NAME`: usage, summary, arguments with types, defaults and help, details, example.
    /// Given a `width` (the terminal's), long lines break at spaces under their own text and
    /// the details are reflowed to it (at most 100 columns); without one the page is as
    /// declared (docs/LANGUAGE.md).
    static func page(_ c: any Command.Type, width: Int? = nil) -> String {
        var lines = ["usage: " + usage(c), "", c.summary]
        let arguments = c.parameters
        if !arguments.isEmpty {
            lines.append("")
            lines.append("arguments:")
            // Fitted to a width, a label longer than 24 columns puts its help on the next line
            // (as argparse does), so one long label does not push every description right.
            let longest = arguments.map { label($0).count }.max() ?? 0
            let column = (width == nil ? longest : min(longest, 24)) + 2
            for p in arguments {
                var help = p.help
                if let d = p.defaultValue, p.kind != .flag, !d.isNone { help += " (default \(d.display))" }
                if label(p).count + 2 > column {
                    lines.append("  " + label(p))
                    lines.append(String(repeating: " ", count: column + 2) + help)
                } else {
                    lines.append("  " + label(p).padding(toLength: column, withPad: " ", startingAt: 0) + help)
                }
            }
        }
        if !c.details.isEmpty {
            lines.append("")
            lines.append(width.map { TextWrap.paragraphs(c.details, width: min($0, 100)) } ?? c.details)
        }
        lines.append("")
        lines.append("example:")
        lines.append(contentsOf: c.example.split(separator: "\n").map { "  " + $0 })
        let text = lines.joined(separator: "\n")
        return width.map { TextWrap.lines(text, width: $0) } ?? text
    }

    /// The command reference of docs/LANGUAGE.md, in Markdown: every command by group, each
    /// with its `help` page. A test keeps the document equal to this.
    static func reference() -> String {
        var out: [String] = []
        for group in CommandGroup.allCases {
            let commands = CommandTable.all.filter { $0.group == group }
            guard !commands.isEmpty else { continue }
            out.append("### \(group.rawValue)")
            out.append("")
            for c in commands {
                out.append("#### `\(c.name)`")
                out.append("")
                out.append("```text")
                out.append(page(c))
                out.append("```")
                out.append("")
            }
        }
        return out.joined(separator: "\n")
    }

    private static func label(_ p: Parameter) -> String {
        switch p.kind {
        case .positional: return p.name
        case .variadic: return p.name + "..."
        case .option: return "\(p.name)=\(p.type.placeholder)"
        case .keywords: return "\(p.name)=value..."
        case .flag: return p.name
        }
    }
}
