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

    /// The `help` overview: commands by group, each with its summary.
    static func overview() -> String {
        var lines = ["nnsh commands (help NAME for details, help language for the syntax):"]
        let width = (CommandTable.names.map(\.count).max() ?? 8) + 2
        for group in CommandGroup.allCases {
            let commands = CommandTable.all.filter { $0.group == group }
            guard !commands.isEmpty else { continue }
            lines.append("")
            lines.append("\(group.rawValue):")
            for c in commands {
                lines.append("  " + c.name.padding(toLength: width, withPad: " ", startingAt: 0) + c.summary)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `help NAME`: usage, summary, arguments with types, defaults and help, details, example.
    static func page(_ c: any Command.Type) -> String {
        var lines = ["usage: " + usage(c), "", c.summary]
        let arguments = c.parameters
        if !arguments.isEmpty {
            lines.append("")
            lines.append("arguments:")
            let width = (arguments.map { label($0).count }.max() ?? 0) + 2
            for p in arguments {
                var text = "  " + label(p).padding(toLength: width, withPad: " ", startingAt: 0) + p.help
                if let d = p.defaultValue, p.kind != .flag, !d.isNone { text += " (default \(d.display))" }
                lines.append(text)
            }
        }
        if !c.details.isEmpty {
            lines.append("")
            lines.append(c.details)
        }
        lines.append("")
        lines.append("example:")
        lines.append(contentsOf: c.example.split(separator: "\n").map { "  " + $0 })
        return lines.joined(separator: "\n")
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
