/// A character grid where each cell holds 2×4 pixels as one Unicode braille character
/// (U+2800…U+28FF), or a marker glyph that covers the whole cell. Each cell remembers which
/// series touched it last, for colour.
///
/// Pixel coordinates: px in 0..<2·columns left to right, py in 0..<4·rows top to bottom.
struct BrailleCanvas {
    enum Cell: Equatable {
        case empty
        case dots(UInt8, series: Int)
        case glyph(Character, series: Int)
    }

    let columns: Int
    let rows: Int
    private(set) var cells: [Cell]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        cells = Array(repeating: .empty, count: columns * rows)
    }

    var pixelWidth: Int { 2 * columns }
    var pixelHeight: Int { 4 * rows }

    subscript(column: Int, row: Int) -> Cell { cells[row * columns + column] }

    /// Braille dot bit for the pixel at (dx, dy) inside a cell, dx 0…1, dy 0…3.
    private static let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

    /// Sets one pixel; ignored outside the canvas or on a cell holding a glyph.
    mutating func set(px: Int, py: Int, series: Int) {
        guard px >= 0, py >= 0, px < pixelWidth, py < pixelHeight else { return }
        let index = (py / 4) * columns + px / 2
        let bit = Self.bits[py % 4][px % 2]
        switch cells[index] {
        case .empty: cells[index] = .dots(bit, series: series)
        case .dots(let b, _): cells[index] = .dots(b | bit, series: series)
        case .glyph: break
        }
    }

    /// Draws a straight line of pixels (Bresenham), endpoints included.
    /// Calls `visit(column, row)` for every cell it passes through.
    mutating func line(from a: (Int, Int), to b: (Int, Int), series: Int,
                       visit: (Int, Int) -> Void = { _, _ in }) {
        var (x0, y0) = a
        let (x1, y1) = b
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            set(px: x0, py: y0, series: series)
            visit(x0 / 2, y0 / 4)
            if x0 == x1 && y0 == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x0 += sx }
            if e2 <= dx { error += dx; y0 += sy }
        }
    }

    /// Puts a glyph in a whole cell (replacing dots), ignored outside the canvas.
    mutating func place(_ glyph: Character, column: Int, row: Int, series: Int) {
        guard column >= 0, row >= 0, column < columns, row < rows else { return }
        cells[row * columns + column] = .glyph(glyph, series: series)
    }

    /// Whether a cell holds a glyph already.
    func hasGlyph(column: Int, row: Int) -> Bool {
        if case .glyph = self[column, row] { return true }
        return false
    }

    /// One row as (character, series) pairs; blank cells are spaces with no series.
    func row(_ r: Int) -> [(Character, Int?)] {
        (0..<columns).map { c in
            switch self[c, r] {
            case .empty: return (" ", nil)
            case .dots(let bits, let s):
                return (Unicode.Scalar(0x2800 + UInt32(bits)).map(Character.init) ?? " ", s)
            case .glyph(let g, let s): return (g, s)
            }
        }
    }
}
