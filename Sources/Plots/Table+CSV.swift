extension Table {
    /// The table as CSV (RFC 4180 quoting): the header line, then one line per row, each ending
    /// in "\n". A cell is quoted when it holds a comma, a double quote, a line break, or
    /// leading/trailing spaces; a double quote inside is doubled.
    public func csv() -> String {
        var out = ""
        for row in [header] + rows where !(row.isEmpty && columnCount == 0) {
            out += padded(row).map(Self.csvField).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// One field, quoted if needed.
    static func csvField(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
