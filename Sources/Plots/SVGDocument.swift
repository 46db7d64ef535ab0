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

    /// Rough width in pixels of `text` at font `size` (no font metrics available here).
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.6
    }
}
