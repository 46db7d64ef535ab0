/// Draws grayscale images as text for a terminal. Each character is one pixel wide and two
/// pixels tall (a terminal cell is about twice as tall as wide, so the picture keeps its shape):
/// a 28×28 digit takes 28 columns × 14 lines.
///
///     print(TerminalImage.render(data.image(0)!, shape: data.imageShape!))
///     print(TerminalImage.grid(examples, shape: shape, perRow: 5, downsample: 2))
public enum TerminalImage {
    public enum Style: Sendable {
        /// Five shades " ░▒▓█" of the two pixels' mean: any terminal, any font, pipes, tests.
        case shades
        /// Half blocks "▀ ▄ █" of the two pixels, each on or off (at half the range): sharp edges.
        case blocks
        /// "▀" with the top pixel as the ANSI 256-colour foreground and the bottom pixel as the
        /// background, in 24 gray levels: the true picture, in colour terminals.
        case ansiGray
    }

    private static let shadeCharacters: [Character] = [" ", "░", "▒", "▓", "█"]

    /// One image (`pixels` row-major in `shape`) as lines of text, without a final newline.
    /// `range` maps values to black…white; nil means 0…1 when all values lie there, else the
    /// values' own minimum…maximum (standardised data). NaN pixels draw as black.
    /// `fitting` (columns, text lines) shrinks a larger image to fit, keeping its proportions
    /// (see `fittedShape`); a smaller one is drawn as it is.
    public static func render(
        _ pixels: [Float], shape: ImageShape, style: Style = .shades, range: ClosedRange<Float>? = nil,
        fitting: (columns: Int, lines: Int)? = nil
    ) -> String {
        let scaleRange = range ?? defaultRange(pixels)
        guard let fitting else {
            return lines(pixels, shape: shape, style: style, range: scaleRange).joined(separator: "\n")
        }
        let small = fittedShape(shape, columns: fitting.columns, lines: fitting.lines)
        return lines(resample(pixels, from: shape, to: small), shape: small, style: style, range: scaleRange)
            .joined(separator: "\n")
    }

    /// A `GrayImage` as text.
    public static func render(_ image: GrayImage, style: Style = .shades, fitting: (columns: Int, lines: Int)? = nil) -> String {
        render(image.pixels, shape: ImageShape(rows: image.height, columns: image.width), style: style, range: 0...1,
               fitting: fitting)
    }

    /// The size an image of `shape` is drawn at within `columns` characters and `lines` text
    /// lines (two pixel rows each), its proportions kept; never larger than the image.
    public static func fittedShape(_ shape: ImageShape, columns: Int, lines: Int) -> ImageShape {
        let scale = min(1, Double(max(1, columns)) / Double(max(1, shape.columns)),
                        Double(max(1, 2 * lines)) / Double(max(1, shape.rows)))
        guard scale < 1 else { return shape }
        return ImageShape(rows: max(1, Int((Double(shape.rows) * scale).rounded(.down))),
                          columns: max(1, Int((Double(shape.columns) * scale).rounded(.down))))
    }

    /// The image at a smaller size: each new pixel is the mean of the block of old pixels it
    /// covers (an area average, so thin strokes fade rather than vanish).
    public static func resample(_ pixels: [Float], from shape: ImageShape, to small: ImageShape) -> [Float] {
        guard small != shape, pixels.count == shape.pixelCount else { return pixels }
        var out = [Float](repeating: 0, count: small.pixelCount)
        for r in 0..<small.rows {
            let y0 = r * shape.rows / small.rows, y1 = max(y0 + 1, (r + 1) * shape.rows / small.rows)
            for c in 0..<small.columns {
                let x0 = c * shape.columns / small.columns, x1 = max(x0 + 1, (c + 1) * shape.columns / small.columns)
                var sum: Float = 0
                for y in y0..<y1 {
                    for x in x0..<x1 { sum += pixels[y * shape.columns + x] }
                }
                out[r * small.columns + c] = sum / Float((y1 - y0) * (x1 - x0))
            }
        }
        return out
    }

    /// Several images of one shape side by side, `perRow` to a band, each with its caption
    /// underneath (cut to the image's width), two spaces between images and a blank line between
    /// bands. `downsample` k averages k×k pixel blocks first (2 makes a 28×28 digit 14 wide).
    /// Given a `width`, a band holds no more images than fit in it.
    public static func grid(
        _ items: [(pixels: [Float], caption: String)], shape: ImageShape, perRow: Int = 4,
        downsample: Int = 1, style: Style = .shades, range: ClosedRange<Float>? = nil, width: Int? = nil
    ) -> String {
        guard !items.isEmpty else { return "" }
        let k = max(1, downsample)
        let small = ImageShape(rows: (shape.rows + k - 1) / k, columns: (shape.columns + k - 1) / k)
        let perRow = width.map { min(perRow, max(1, ($0 + 2) / (small.columns + 2))) } ?? perRow
        let scaleRange = range ?? defaultRange(items.flatMap(\.pixels))
        var bands = [String]()
        var start = 0
        while start < items.count {
            let band = items[start ..< min(items.count, start + max(1, perRow))]
            let drawn = band.map { lines(shrink($0.pixels, shape: shape, by: k), shape: small, style: style, range: scaleRange) }
            var out = [String]()
            for line in 0..<drawn[0].count {
                out.append(drawn.map { $0[line] }.joined(separator: "  "))
            }
            let captions = band.map { item -> String in
                let cut = String(item.caption.prefix(small.columns))
                return cut + String(repeating: " ", count: small.columns - cut.count)
            }
            out.append(captions.joined(separator: "  "))
            bands.append(out.map { trimTrailingSpaces($0) }.joined(separator: "\n"))
            start += max(1, perRow)
        }
        return bands.joined(separator: "\n\n")
    }

    // MARK: - Internals

    /// The range of the finite pixels (NaN and infinities draw as black or white at its ends).
    private static func defaultRange(_ pixels: [Float]) -> ClosedRange<Float> {
        let finite = pixels.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        if low >= 0 && high <= 1 { return 0...1 }
        return high > low ? low...high : low...(low + 1)
    }

    /// The image as one string per text line (two pixel rows each), each `shape.columns`
    /// characters wide.
    private static func lines(_ pixels: [Float], shape: ImageShape, style: Style, range: ClosedRange<Float>) -> [String] {
        let span = max(range.upperBound - range.lowerBound, .leastNormalMagnitude)
        func level(_ x: Int, _ y: Int) -> Float {
            // Pixels missing from a short array (a caller's mistake) draw as black.
            guard y < shape.rows, y * shape.columns + x < pixels.count else { return 0 }
            let v = (pixels[y * shape.columns + x] - range.lowerBound) / span
            return min(1, max(0, v))
        }
        var result = [String]()
        for y in stride(from: 0, to: shape.rows, by: 2) {
            var line = ""
            var lastColours: (Int, Int)? = nil
            for x in 0..<shape.columns {
                let top = level(x, y), bottom = level(x, y + 1)
                switch style {
                case .shades:
                    let mean = (top + bottom) / 2
                    line.append(shadeCharacters[min(4, Int((mean * 5).rounded(.down)))])
                case .blocks:
                    switch (top >= 0.5, bottom >= 0.5) {
                    case (true, true): line.append("█")
                    case (true, false): line.append("▀")
                    case (false, true): line.append("▄")
                    case (false, false): line.append(" ")
                    }
                case .ansiGray:
                    let colours = (232 + Int((top * 23).rounded()), 232 + Int((bottom * 23).rounded()))
                    if lastColours == nil || lastColours! != colours {
                        line += "\u{1B}[38;5;\(colours.0);48;5;\(colours.1)m"
                        lastColours = colours
                    }
                    line.append("▀")
                }
            }
            if style == .ansiGray { line += "\u{1B}[0m" }
            result.append(line)
        }
        return result
    }

    /// Means of k×k blocks (partial blocks at the right and bottom edges average what they hold).
    private static func shrink(_ pixels: [Float], shape: ImageShape, by k: Int) -> [Float] {
        guard k > 1, pixels.count == shape.pixelCount else { return pixels }
        let rows = (shape.rows + k - 1) / k, columns = (shape.columns + k - 1) / k
        var out = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                var sum: Float = 0, n: Float = 0
                for y in r * k ..< min(shape.rows, (r + 1) * k) {
                    for x in c * k ..< min(shape.columns, (c + 1) * k) {
                        sum += pixels[y * shape.columns + x]
                        n += 1
                    }
                }
                out[r * columns + c] = sum / n
            }
        }
        return out
    }

    private static func trimTrailingSpaces(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
