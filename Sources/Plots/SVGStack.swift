/// Standalone SVG documents (as this module renders them) drawn one under another in one
/// document: each becomes a nested `<svg>` at its offset, keeping its own size and viewBox, and
/// the whole is as wide as the widest.
///
///     inspect net to="health.svg"     # the table, then each convolution's filters
public enum SVGStack {
    /// `documents` top to bottom; a single document is returned as it is.
    public static func vertical(_ documents: [String]) -> String {
        guard documents.count != 1 else { return documents[0] }
        let parts = documents.map { (body: body(of: $0), size: size(of: $0)) }
        let width = parts.map(\.size.width).max() ?? 0
        let height = parts.map(\.size.height).reduce(0, +)
        var svg = SVGDocument(width: width, height: height)
        var y = 0
        for part in parts {
            svg.raw("<svg x=\"0\" y=\"\(y)\" " + part.body)
            y += part.size.height
        }
        return svg.rendered()
    }

    /// The root element's width and height attributes (0 when missing).
    static func size(of document: String) -> (width: Int, height: Int) {
        guard let open = rootTag(document) else { return (0, 0) }
        func attribute(_ name: String) -> Int {
            guard let start = open.range(of: " \(name)=\"") else { return 0 }
            return Int(open[start.upperBound...].prefix { $0 != "\"" }) ?? 0
        }
        return (attribute("width"), attribute("height"))
    }

    /// The root `<svg …>…</svg>` without its leading "<svg " (and without the XML declaration).
    static func body(of document: String) -> String {
        guard let start = document.range(of: "<svg ") else { return "/>" }
        return String(document[start.upperBound...]).trimmingTrailingNewlines()
    }

    private static func rootTag(_ document: String) -> Substring? {
        guard let start = document.range(of: "<svg ") else { return nil }
        return document[start.lowerBound...].prefix { $0 != ">" }
    }
}

private extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
