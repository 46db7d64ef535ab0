import Plots

/// Text fitted to a width by breaking lines at spaces, never inside a word (a word longer than
/// the width stays whole on its own line). Widths are display widths (`String.displayWidth`).
enum TextWrap {
    /// Each line of `text` wrapped on its own. A continuation line is indented like the line's
    /// text: under the description in "  name   description" rows, after "usage: command ",
    /// else as much as the line itself.
    static func lines(_ text: String, width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { wrap(String($0), width: width, indent: hangingIndent(String($0))) }
            .joined(separator: "\n")
    }

    /// Paragraphs reflowed: lines that follow a non-blank line and do not start with a space
    /// join it; then each paragraph is wrapped as in `lines`.
    static func paragraphs(_ text: String, width: Int) -> String {
        var joined: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let last = joined.last, !last.isEmpty, !line.isEmpty, !line.hasPrefix(" ") {
                joined[joined.count - 1] += " " + line
            } else {
                joined.append(line)
            }
        }
        return lines(joined.joined(separator: "\n"), width: width)
    }

    /// `line` broken at spaces so each piece fits `width`; later pieces start with `indent` spaces.
    static func wrap(_ line: String, width: Int, indent: Int) -> String {
        guard line.displayWidth > width else { return line }
        let lead = line.prefix { $0 == " " }
        let indent = indent < width / 2 ? indent : min(lead.count + 4, width / 2)
        var out: [String] = []
        var current = String(lead)
        var currentWidth = current.displayWidth
        for word in line.dropFirst(lead.count).split(separator: " ", omittingEmptySubsequences: false) {
            let w = word.displayWidth
            let fresh = currentWidth == (out.isEmpty ? lead.count : indent)
            if !fresh, currentWidth + 1 + w > width {
                out.append(current)
                current = String(repeating: " ", count: indent)
                currentWidth = indent
            }
            let startsLine = currentWidth == (out.isEmpty ? lead.count : indent)
            if !startsLine { current += " "; currentWidth += 1 }
            current += word
            currentWidth += w
        }
        out.append(current)
        return out.map { trimmed($0) }.joined(separator: "\n")
    }

    /// Where a line's text continues: after "usage: word ", after a "  label   " column, or
    /// under the line's first character.
    static func hangingIndent(_ line: String) -> Int {
        if line.hasPrefix("usage: "), let space = line.dropFirst(7).firstIndex(of: " ") {
            return line[..<space].count + 1
        }
        let lead = line.prefix { $0 == " " }.count
        guard lead > 0 else { return 0 }
        // "  label   text": the text's column, where two or more spaces end.
        let chars = Array(line)
        var i = lead
        while i < chars.count, chars[i] != " " { i += 1 }
        var j = i
        while j < chars.count, chars[j] == " " { j += 1 }
        return j - i >= 2 && j < chars.count ? j : lead
    }

    private static func trimmed(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
