/// The colours given to series, in order (matplotlib's "tab10"): as SVG hex colours and as the
/// nearest xterm 256-colour indices for the terminal.
enum Palette {
    static let hex = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    static let ansi256 = [32, 208, 34, 160, 98, 94, 169, 244, 142, 37]

    /// Glyphs marking points (and, without colour, lines) of series i.
    static let markers: [Character] = ["•", "×", "+", "*", "o", "#", "@", "%", "&", "$"]

    static func hex(_ i: Int) -> String { hex[i % hex.count] }
    static func ansi(_ i: Int) -> Int { ansi256[i % ansi256.count] }
    static func marker(_ i: Int) -> Character { markers[i % markers.count] }
}

/// ANSI SGR escape sequences (only emitted when the caller allows colour).
enum ANSI {
    static let reset = "\u{1B}[0m"
    static func foreground(_ index: Int) -> String { "\u{1B}[38;5;\(index)m" }
    static func background(_ index: Int) -> String { "\u{1B}[48;5;\(index)m" }
    static let bold = "\u{1B}[1m"
}
