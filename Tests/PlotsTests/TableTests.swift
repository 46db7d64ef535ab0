import Testing
@testable import Plots

@Suite struct TableTests {
    @Test func csvHasHeaderAndRows() {
        let table = Table(header: ["lr", "activation", "mse"],
                          rows: [["0.01", "tanh", "0.0041"], ["0.1", "relu", "0.0008"]])
        #expect(table.csv() == "lr,activation,mse\n0.01,tanh,0.0041\n0.1,relu,0.0008\n")
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""), ("crlf\r\nend", "\"crlf\r\nend\""), (" padded ", "\" padded \""),
        ("", ""), ("naïve ≤ 3", "naïve ≤ 3"),
    ])
    func csvQuoting(cell: String, expected: String) {
        #expect(Table.csvField(cell) == expected)
    }

    @Test func csvRoundTripsThroughASimpleReader() {
        let rows = [["a,b", "\"q\"", "x\ny"], ["", " s ", "plain"]]
        let table = Table(header: ["one", "two", "three"], rows: rows)
        #expect(Self.parseCSV(table.csv()) == [["one", "two", "three"]] + rows)
    }

    @Test func shortRowsArePadded() {
        let table = Table(header: ["a", "b", "c"], rows: [["1"], ["1", "2", "3", "4"]])
        #expect(table.csv() == "a,b,c,\n1,,,\n1,2,3,4\n")
    }

    @Test func emptyTableIsEmpty() {
        #expect(Table(header: []).csv() == "")
        #expect(Table(header: []).renderTerminal() == "")
        #expect(Table(header: ["only"]).csv() == "only\n")
    }

    @Test func terminalTextAlignsNumbersRight() {
        let table = Table(header: ["activation", "lr", "mse"],
                          rows: [["relu", "0.001", "0.0123"], ["sigmoid", "1", "nan"]])
        let expected = """
            activation     lr     mse
            ──────────  ─────  ──────
            relu        0.001  0.0123
            sigmoid         1     nan
            """
        #expect(table.renderTerminal() == expected)
    }

    @Test func svgHasTheHeaderInBoldThenEveryCellInItsColumn() throws {
        let table = Table(header: ["layer", "activation", "‖W‖"],
                          rows: [["1", "relu", "12.5"], ["2", "softmax <out>", "0.031"], ["3"]])
        let svg = table.renderSVG(title: "weights", rightAligned: [false, false, true])
        let (parsed, error) = ParsedXML.parse(svg)
        let document = try #require(parsed, "not well-formed: \(error ?? "")")
        let texts = document.elements(named: "text")
        #expect(texts.map(\.text) == ["weights", "layer", "activation", "‖W‖", "1", "relu", "12.5",
                                      "2", "softmax <out>", "0.031", "3"])
        let header = texts.filter { $0.groupClasses == ["row header"] }
        #expect(header.map(\.text) == ["layer", "activation", "‖W‖"])
        #expect(header.allSatisfy { $0.attributes["font-weight"] == "bold" })
        #expect(texts.filter { $0.groupClasses == ["row"] }.allSatisfy { $0.attributes["font-weight"] == nil })
        // A column's cells share one x: its left edge, or its right edge when right-aligned.
        let rows = [header, Array(texts[4..<7]), Array(texts[7..<10])]
        for c in 0..<3 {
            #expect(Set(rows.map { $0[c].attributes["x"] }).count == 1, "column \(c)")
            #expect(rows.allSatisfy { $0[c].attributes["text-anchor"] == (c == 2 ? "end" : "start") })
        }
        // The columns do not overlap: each starts after the widest cell of the one before.
        let x = rows[0].map { Double($0.attributes["x"] ?? "") ?? 0 }
        #expect(x[1] - x[0] > SVGDocument.textWidth("activation", size: 12, bold: true) / 2)
        #expect(x[2] - x[1] > SVGDocument.textWidth("softmax <out>", size: 12))
    }

    @Test func svgGrowsWithItsWidestCell() {
        func width(_ cell: String) -> Int? {
            let svg = Table(header: ["a"], rows: [[cell]]).renderSVG(minimumWidth: 10)
            return ParsedXML.parse(svg).document?.elements(named: "svg").first?.attributes["width"].flatMap { Int($0) }
        }
        let narrow = width("x"), wide = width(String(repeating: "wide ", count: 40))
        #expect(narrow != nil && wide != nil && wide! > narrow! + 300)
    }

    /// A minimal RFC 4180 reader, for the round trip.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, afterQuote = false
        for c in text {
            if quoted {
                if c == "\"" { quoted = false; afterQuote = true } else { field.append(c) }
            } else if c == "\"" {
                if afterQuote { field.append("\"") }
                quoted = true
                afterQuote = false
            } else {
                afterQuote = false
                if c == "," { row.append(field); field = "" } else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" } else { field.append(c) }
            }
        }
        return rows
    }
}
