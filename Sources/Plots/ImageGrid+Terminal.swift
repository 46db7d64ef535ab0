extension ImageGrid {
    /// The images as terminal text, as many side by side as fit in `width`, each with its
    /// caption below; lines joined by "\n", no trailing newline.
    ///
    /// With `colour`, each character is two pixels stacked ("▀" with a grey foreground and
    /// background from the 24-step grey ramp), so a 28×28 digit takes 28×14 characters.
    /// Without, each character is 2×2 pixels in quadrant blocks (ink where the pixel is at
    /// least half the brightest), so a 28×28 digit takes 14×14.
    public func renderTerminal(width: Int = 80, colour: Bool = false) -> String {
        var lines: [TextLine] = []
        if !title.isEmpty {
            var line = TextLine()
            line.append(title.truncated(to: max(1, width)))
            lines.append(line)
        }
        guard !images.isEmpty else {
            var line = TextLine()
            line.append("no images")
            return (lines + [line]).map { $0.rendered(colour: colour) }.joined(separator: "\n")
        }
        let size = cellSize
        let blockWidth = colour ? size.width : (size.width + 1) / 2
        let blockHeight = (size.height + 1) / 2
        let gap = 2
        let perRow = max(1, (width + gap) / (blockWidth + gap))

        for start in stride(from: 0, to: images.count, by: perRow) {
            let group = Array(images[start..<min(images.count, start + perRow)])
            if start > 0 { lines.append(TextLine()) }
            for row in 0..<blockHeight {
                var line = TextLine()
                for (k, image) in group.enumerated() {
                    if k > 0 { line.append(String(repeating: " ", count: gap)) }
                    let range = drawingRange(of: image)
                    for column in 0..<blockWidth {
                        if colour {
                            let top = image.intensity(x: column, y: 2 * row, range: range)
                            let bottom = image.intensity(x: column, y: 2 * row + 1, range: range)
                            line.append("▀", foreground: Self.grey(top), background: Self.grey(bottom))
                        } else {
                            var bits = 0
                            for (bit, dx, dy) in [(1, 0, 0), (2, 1, 0), (4, 0, 1), (8, 1, 1)]
                            where image.intensity(x: 2 * column + dx, y: 2 * row + dy, range: range) >= 0.5 {
                                bits |= bit
                            }
                            line.append(Self.quadrants[bits])
                        }
                    }
                }
                lines.append(line)
            }
            var captions = TextLine()
            for (k, image) in group.enumerated() {
                captions.write(image.caption.truncated(to: blockWidth), at: k * (blockWidth + gap))
            }
            lines.append(captions)
        }
        return lines.map { $0.rendered(colour: colour) }.joined(separator: "\n")
    }

    /// Quadrant characters indexed by ink bits: 1 top-left, 2 top-right, 4 bottom-left, 8 bottom-right.
    static let quadrants: [Character] = [" ", "▘", "▝", "▀", "▖", "▌", "▞", "▛",
                                         "▗", "▚", "▐", "▜", "▄", "▙", "▟", "█"]

    /// The xterm grey (232 black … 255 near white) for an intensity 0…1.
    static func grey(_ t: Double) -> Int {
        232 + Int((min(1, max(0, t)) * 23).rounded())
    }
}
