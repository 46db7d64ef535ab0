import Foundation

/// A small SVG writer: elements are appended in drawing order and `rendered()` returns a
/// complete, well-formed standalone document. All attribute values and text are XML-escaped.
struct SVGDocument {
    let width: Int
    let height: Int
    private var body: [String] = []
    private var depth = 1

    /// Default text style for the whole picture.
    static let font = "font-family=\"Helvetica, Arial, sans-serif\""

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Appends `<name a="v" …>text</name>`, or `<name a="v" …/>` when `text` is nil.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        let attrs = attributes.map { " \($0.0)=\"\(Self.escape($0.1))\"" }.joined()
        let indent = String(repeating: "  ", count: depth)
        if let text {
            body.append("\(indent)<\(name)\(attrs)>\(Self.escape(text))</\(name)>")
        } else {
            body.append("\(indent)<\(name)\(attrs)/>")
        }
    }

    /// Opens a `<g>` group; close it with `closeGroup()`.
    mutating func openGroup(_ attributes: [(String, String)]) {
        let attrs = attributes.map { " \($0.0)=\"\(Self.escape($0.1))\"" }.joined()
        body.append(String(repeating: "  ", count: depth) + "<g\(attrs)>")
        depth += 1
    }

    mutating func closeGroup() {
        depth = max(1, depth - 1)
        body.append(String(repeating: "  ", count: depth) + "</g>")
    }

    /// Text anchored at (x, y): `anchor` is "start", "middle" or "end"; `rotate` in degrees
    /// about the anchor point.
    mutating func text(_ content: String, x: Double, y: Double, size: Double = 12,
                       anchor: String = "middle", weight: String? = nil, rotate: Double? = nil,
                       fill: String = "#222", className: String? = nil) {
        var attributes: [(String, String)] = [
            ("x", Self.number(x)), ("y", Self.number(y)), ("font-size", Self.number(size)),
            ("text-anchor", anchor), ("fill", fill),
        ]
        if let weight { attributes.append(("font-weight", weight)) }
        if let rotate {
            attributes.append(("transform", "rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))"))
        }
        if let className { attributes.append(("class", className)) }
        element("text", attributes, text: content)
    }

    /// Appends raw, already well-formed markup (used for `<defs>`).
    mutating func raw(_ markup: String) {
        body.append(String(repeating: "  ", count: depth) + markup)
    }

    func rendered() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
        out += "viewBox=\"0 0 \(width) \(height)\" \(Self.font)>\n"
        out += "  <rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>\n"
        out += body.joined(separator: "\n")
        out += "\n</svg>\n"
        return out
    }

    /// Text safe inside XML content and double-quoted attributes. Control characters other
    /// than tab/newline, which XML 1.0 forbids, become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A coordinate with at most two decimals ("12", "12.5", "12.34").
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let text = String(format: "%.2f", v)
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return t == "-0" ? "0" : String(t)
    }

    /// Approximate width in pixels of `text` at font `size` in Helvetica/Arial, from rounded
    /// glyph widths (in ems): narrow letters such as i, l and punctuation take a quarter, m and
    /// w over four fifths, wide (CJK) characters a whole em. Bold text is about 5% wider.
    static func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars { ems += glyphWidth(scalar) }
        return ems * size * (bold ? 1.05 : 1)
    }

    private static func glyphWidth(_ s: Unicode.Scalar) -> Double {
        switch s {
        case "i", "l", "j", ".", ",", ":", ";", "|", "!", "'": return 0.25
        case "f", "t", "r", "I", "(", ")", "[", "]", "/", "\\", "-", " ", "{", "}": return 0.33
        case "m", "w": return 0.83
        case "M", "W", "%", "@": return 0.9
        case "0"..."9", "+", "=", "<", ">", "~", "^", "*", "$", "#", "?": return 0.56
        case "a"..."z", "_": return 0.53
        case "A"..."Z", "&": return 0.69
        default: return DisplayWidth.of(s) == 2 ? 1.0 : s.value < 0x300 ? 0.6 : 0.62
        }
    }

    /// A title fitted to `width` pixels: at `size` when it fits, else shrunk to no less than
    /// 80% of it, else broken at spaces into as many lines as needed at that size. Never cut.
    static func titleLines(_ text: String, width: Double, size: Double) -> (lines: [String], size: Double) {
        let full = textWidth(text, size: size, bold: true)
        if full <= width { return ([text], size) }
        let smallest = size * 0.8
        if full * smallest / size <= width { return ([text], size * width / full) }
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if current.isEmpty || textWidth(candidate, size: smallest, bold: true) <= width {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        // A single word wider than the picture: shrink that line's size for all.
        let widest = lines.map { textWidth($0, size: smallest, bold: true) }.max() ?? 0
        return (lines, widest > width ? max(6, smallest * width / widest) : smallest)
    }

    /// Draws a title laid out by `titleLines`, centred at `x`, its first baseline at `y`;
    /// returns the extra height the lines after the first take.
    @discardableResult
    mutating func title(_ text: String, x: Double, y: Double, width: Double, size: Double) -> Double {
        let (lines, fitted) = Self.titleLines(text, width: width, size: size)
        for (i, line) in lines.enumerated() {
            self.text(line, x: x, y: y + Double(i) * fitted * 1.2, size: fitted, weight: "bold", className: "title")
        }
        return Double(lines.count - 1) * fitted * 1.2
    }
}
