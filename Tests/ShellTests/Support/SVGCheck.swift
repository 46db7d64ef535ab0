import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG file read back as XML: whether it parsed, its element names and every piece of text.
struct SVGCheck {
    var elements: [String] = []
    var texts: [String] = []
    var error: String?

    init(file path: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            error = "cannot read \(path)"
            return
        }
        let parser = XMLParser(data: data)
        let collector = Collector()
        parser.delegate = collector
        if !parser.parse() { error = parser.parserError.map { "\($0)" } ?? "not XML" }
        elements = collector.elements
        texts = collector.texts
    }

    var parsed: Bool { error == nil && elements.first == "svg" }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var texts: [String] = []
        private var current = ""
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            elements.append(elementName)
            current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            let t = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { texts.append(t) }
            current = ""
        }
    }
}
