import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document reduced to what the SVG tests look at: every element with its
/// attributes and the text directly inside it, in document order.
struct ParsedXML {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
        /// Names of the enclosing elements, outermost first.
        var ancestors: [String]
        /// `class` attributes of the enclosing `<g>` elements, outermost first.
        var groupClasses: [String]
    }

    var elements: [Element] = []

    /// nil when the text is not well-formed XML; `error` then holds the parser's message.
    static func parse(_ text: String) -> (document: ParsedXML?, error: String?) {
        let parser = XMLParser(data: Data(text.utf8))
        let delegate = Collector()
        parser.delegate = delegate
        if parser.parse() {
            return (ParsedXML(elements: delegate.finished), nil)
        }
        return (nil, parser.parserError.map { "\($0)" } ?? "unknown XML error")
    }

    func elements(named name: String) -> [Element] { elements.filter { $0.name == name } }

    private final class Collector: NSObject, XMLParserDelegate {
        var open: [Int] = []          // indices into `finished` of the elements not yet closed
        var finished: [Element] = []  // in document (start-tag) order

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let enclosing = open.map { finished[$0] }
            let classes = enclosing.filter { $0.name == "g" }.compactMap { $0.attributes["class"] }
            finished.append(Element(name: elementName, attributes: attributeDict, text: "",
                                    ancestors: enclosing.map(\.name), groupClasses: classes))
            open.append(finished.count - 1)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let index = open.last { finished[index].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            _ = open.popLast()
        }
    }
}
