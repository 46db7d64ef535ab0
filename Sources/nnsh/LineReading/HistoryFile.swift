import Foundation

/// The REPL's history file, readable as text: one entry per line, and an entry of several lines
/// (a block) with its later lines indented by one tab, so that it comes back as one entry.
///
///     x = 12
///     for i in [1, 2] {
///     	print i
///     	}
///
/// An entry's first line is stored without leading blanks (they mean nothing to the language), so
/// a line starting with a tab always continues the entry above. Files in libedit's own format
/// (first line `_HiStOrY_V2_`, blanks as `\040`) are still read.
enum HistoryFile {
    static let libeditHeader = "_HiStOrY_V2_"

    /// The entries stored in `text`, oldest first.
    static func entries(in text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if lines.first == libeditHeader {
            return lines.dropFirst().map(decodeLibedit)
        }
        var entries: [String] = []
        while !lines.isEmpty {
            let line = lines.removeFirst()
            if line.hasPrefix("\t"), !entries.isEmpty {
                entries[entries.count - 1] += "\n" + line.dropFirst()
            } else {
                entries.append(line)
            }
        }
        return entries
    }

    /// The file's text for `entries`.
    static func text(of entries: [String]) -> String {
        entries.map { entry in
            let lines = entry.split(separator: "\n", omittingEmptySubsequences: false)
            let first = lines[0].drop { $0 == " " || $0 == "\t" }
            return ([String(first)] + lines.dropFirst().map { "\t" + $0 }).joined(separator: "\n") + "\n"
        }.joined()
    }

    static func read(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return entries(in: String(decoding: data, as: UTF8.self))
    }

    /// Writes the file whole, replacing it atomically; a failure (a read-only folder) is ignored:
    /// history is a convenience, never a reason to stop.
    static func write(_ entries: [String], to path: String) {
        try? text(of: entries).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// libedit's `strvis` form: `\ooo` octal bytes and `\\`; other text as is.
    static func decodeLibedit(_ line: String) -> String {
        let input = Array(line.utf8), backslash = UInt8(ascii: "\\")
        func isOctal(_ b: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(b) }
        var bytes: [UInt8] = [], i = 0
        while i < input.count {
            if input[i] == backslash, i + 3 <= input.count - 1, input[(i + 1)...(i + 3)].allSatisfy(isOctal) {
                let d = input[(i + 1)...(i + 3)].map { Int($0 - UInt8(ascii: "0")) }
                bytes.append(UInt8(truncatingIfNeeded: d[0] * 64 + d[1] * 8 + d[2]))
                i += 4
            } else if input[i] == backslash, i + 1 < input.count, input[i + 1] == backslash {
                bytes.append(backslash)
                i += 2
            } else {
                bytes.append(input[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
