import Foundation

/// Tab-completion candidates, from the command declarations and the session's variables.
enum Completion {
    static func candidates(line: String, cursor: Int, interpreter: Interpreter) -> [String] {
        let scalars = Array(line.unicodeScalars)
        let before = String(String.UnicodeScalarView(scalars.prefix(max(0, min(cursor, scalars.count)))))

        // Inside a string: complete a file path.
        if let quote = openQuote(before) {
            return paths(matching: String(before[before.index(after: quote)...]))
        }

        let word = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        let head = before.dropLast(word.count)

        // After a dot: fields of the value before it.
        if head.hasSuffix(".") {
            let baseName = String(head.dropLast().reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
            let fields: [String]
            switch interpreter.lookup(baseName) {
            case .record(let r)?: fields = r.fields.map(\.name)
            case .object(let o)?: fields = o.fieldNames
            case .list?, .string?, .range?: fields = ["count"]
            default: fields = []
            }
            return fields.filter { $0.hasPrefix(word) }.sorted()
        }

        // The statement so far: after the last ; { ( and an assignment's "name =".
        var segment = Substring(head)
        if let cut = segment.lastIndex(where: { $0 == ";" || $0 == "{" || $0 == "(" }) {
            segment = segment[segment.index(after: cut)...]
        }
        let words = segment.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var rest = words[...]
        if rest.count >= 2, rest[rest.startIndex + 1] == "=" { rest = rest.dropFirst(2) }
        if let first = rest.first, first.hasSuffix("="), first.count > 1, !first.hasSuffix("==") { rest = rest.dropFirst() }

        let variables = interpreter.visibleNames
        var found: [String]
        if rest.isEmpty {
            found = CommandTable.names + variables + Keyword.allCases.map(\.rawValue)
        } else if rest.count == 1, rest.first == HelpCommand.name {
            found = HelpCommand.topics
        } else if let command = CommandTable.command(named: rest.first!) {
            let written = Set(rest.dropFirst().compactMap { $0.split(separator: "=").first.map(String.init) })
            found = command.parameters.compactMap { p in
                switch p.kind {
                case .option, .positional: return written.contains(p.name) ? nil : p.name + "="
                case .flag: return written.contains(p.name) ? nil : p.name
                case .variadic, .keywords: return nil
                }
            }
            found += command.parameters.flatMap(\.type.words) + variables
            // After "key=": the values that option takes.
            if let last = head.split(separator: " ").last, last.hasSuffix("="),
               let p = command.parameters.first(where: { $0.name + "=" == last }) {
                found = p.type.words + variables
            }
        } else {
            found = variables + Array(Words.all)
        }
        var seen = Set<String>()
        return found.filter { $0.hasPrefix(word) && $0 != word && seen.insert($0).inserted }.sorted()
    }

    /// The index of the quote that opens an unfinished string, if the text ends inside one.
    private static func openQuote(_ text: String) -> String.Index? {
        var open: String.Index? = nil
        var escaped = false
        for i in text.indices {
            let c = text[i]
            if escaped { escaped = false; continue }
            if c == "\\" && open != nil { escaped = true; continue }
            if c == "#" && open == nil { return nil }
            if c == "\"" { open = open == nil ? i : nil }
        }
        return open
    }

    /// Files and folders starting with `partial` (folders end in "/"), hidden files only when
    /// asked for with a leading dot; `~/` stands for the home folder, as in file arguments.
    static func paths(matching partial: String) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let folderPart = slash.map { String(partial[...$0]) } ?? ""
        let namePart = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let folder = Interpreter.expandingTilde(folderPart.isEmpty ? "." : folderPart)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return entries.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }
            .map { name in
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory)
                return folderPart + name + (isDirectory.boolValue ? "/" : "")
            }
            .sorted()
    }
}
