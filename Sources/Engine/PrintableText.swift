/// Text from a file (a class label, a name, a CSV cell, a saved command) made safe to show on
/// one line of a terminal: control characters become visible escapes, so such text cannot
/// start a new line, clear the screen or reorder what follows.
///
///     PrintableText.escaping("a\nb\u{1B}[2J")   // a\nb\u{1B}[2J  (as typed, with backslashes)
///
/// Escaped: the C0 controls (`\0`, `\t`, `\n`, `\r`, the rest as `\u{1B}`), DEL and the C1
/// controls, the line and paragraph separators U+2028/U+2029 and the bidirectional controls
/// (U+202A…U+202E, U+2066…U+2069). Everything else, backslashes included, is left as it is.
public enum PrintableText {
    public static func escaping(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\0": out += "\\0"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    private static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
