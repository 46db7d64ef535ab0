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
