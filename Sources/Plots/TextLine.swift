/// A line of terminal text under construction: characters, each with an optional ANSI
/// 256-colour foreground and background, rendered with escape codes only when colour is on.
struct TextLine {
    struct Styled: Equatable {
        var character: Character
        var foreground: Int? = nil
        var background: Int? = nil
    }

    private(set) var cells: [Styled]

    init(width: Int = 0) {
        cells = Array(repeating: Styled(character: " "), count: width)
    }

    var count: Int { cells.count }

    mutating func append(_ text: String, foreground: Int? = nil, background: Int? = nil) {
        for c in text { cells.append(Styled(character: c, foreground: foreground, background: background)) }
    }

    mutating func append(_ character: Character, foreground: Int? = nil, background: Int? = nil) {
        cells.append(Styled(character: character, foreground: foreground, background: background))
    }

    /// Writes `text` starting at `column`, growing the line with spaces if needed.
    mutating func write(_ text: String, at column: Int, foreground: Int? = nil) {
        var i = max(0, column)
        for c in text {
            while cells.count <= i { cells.append(Styled(character: " ")) }
            cells[i] = Styled(character: c, foreground: foreground)
            i += 1
        }
    }

    /// The text, with trailing uncoloured spaces removed; escape codes only if `colour`.
    func rendered(colour: Bool) -> String {
        var end = cells.count
        while end > 0, cells[end - 1].character == " ", cells[end - 1].background == nil { end -= 1 }
        var out = ""
        var foreground: Int? = nil, background: Int? = nil
        for cell in cells[..<end] {
            if colour {
                // A space shows no foreground, so keep the current one rather than switching.
                let wantForeground = cell.character == " " && cell.background == nil ? foreground : cell.foreground
                if wantForeground != foreground || cell.background != background {
                    if (foreground != nil && wantForeground == nil) || (background != nil && cell.background == nil) {
                        out += ANSI.reset
                        foreground = nil
                        background = nil
                    }
                    if let f = wantForeground, f != foreground { out += ANSI.foreground(f) }
                    if let b = cell.background, b != background { out += ANSI.background(b) }
                    foreground = wantForeground
                    background = cell.background
                }
            }
            out.append(cell.character)
        }
        if colour && (foreground != nil || background != nil) { out += ANSI.reset }
        return out
    }
}

extension String {
    /// The string cut to `width` characters, ending in "…" when cut.
    func truncated(to width: Int) -> String {
        guard count > width else { return self }
        guard width > 1 else { return String(prefix(max(0, width))) }
        return String(prefix(width - 1)) + "…"
    }

    func padded(to width: Int, right: Bool = false) -> String {
        let gap = String(repeating: " ", count: max(0, width - count))
        return right ? gap + self : self + gap
    }
}
