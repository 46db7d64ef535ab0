import Testing
@testable import Data

/// A `width × height` canvas of `background` with `ink` wherever `inside(x, y)` holds
/// (pixel centres in canvas coordinates).
private func canvas(_ width: Int, _ height: Int, background: Float, ink: Float, _ inside: (Double, Double) -> Bool) -> GrayImage {
    var image = GrayImage(width: width, height: height, repeating: background)
    for y in 0..<height {
        for x in 0..<width where inside(Double(x) + 0.5, Double(y) + 0.5) { image[x, y] = ink }
    }
    return image
}

/// Centre of mass (pixel centres at +0.5) and the bounding box of pixels above 0.2.
private func measure(_ image: GrayImage) -> (cx: Double, cy: Double, width: Int, height: Int) {
    var mass = 0.0, mx = 0.0, my = 0.0
    var left = Int.max, right = -1, top = Int.max, bottom = -1
    for y in 0..<image.height {
        for x in 0..<image.width {
            let m = Double(image[x, y])
            mass += m
            mx += m * (Double(x) + 0.5)
            my += m * (Double(y) + 0.5)
            if m > 0.2 { left = min(left, x); right = max(right, x); top = min(top, y); bottom = max(bottom, y) }
        }
    }
    return (mx / mass, my / mass, right - left + 1, bottom - top + 1)
}

@Suite struct DigitPreprocessingTests {
    /// A "1": a dark slanted bar on a light 37×53 canvas, well off-centre.
    @Test func aDrawnOneLandsCentredIn28x28() throws {
        let one = canvas(37, 53, background: 0.93, ink: 0.1) { x, y in
            y > 6 && y < 47 && abs(x - (24 - 0.1 * (y - 6))) < 2.6
        }
        let digit = try DigitPreprocessing.mnistStyle(one)
        #expect(digit.width == 28 && digit.height == 28)
        let m = measure(digit)
        #expect(abs(m.cx - 14) <= 0.5 && abs(m.cy - 14) <= 0.5)
        #expect((19...20).contains(m.height))   // the longer side scaled to 20
        #expect(m.width < 10)                   // aspect kept: a thin stroke stays thin
        // White on black now: the corners are black, the ink near the centre is bright.
        #expect(digit[0, 0] == 0 && digit[27, 27] == 0 && digit[27, 0] == 0)
        #expect(digit.pixels.max()! > 0.9)
    }

    /// A "0": a light ring on a dark 61×45 canvas (wider than tall), off-centre.
    @Test func aDrawnZeroLandsCentredIn28x28() throws {
        let zero = canvas(61, 45, background: 0.05, ink: 0.95) { x, y in
            let dx = (x - 35) / 12, dy = (y - 20) / 17
            let r = (dx * dx + dy * dy).squareRoot()
            return r > 0.7 && r < 1.0
        }
        let digit = try DigitPreprocessing.mnistStyle(zero)
        let m = measure(digit)
        #expect(abs(m.cx - 14) <= 0.5 && abs(m.cy - 14) <= 0.5)
        #expect((19...20).contains(m.height))   // taller than wide: height 34 → 20
        #expect((13...16).contains(m.width))    // width 24 · 20/34 ≈ 14
        #expect(digit[14, 14] < 0.1)            // the hole stays dark
        #expect(digit[0, 0] == 0)
    }

    @Test func aDigitInARGBAPNGGoesThroughTheWholePipeline() throws {
        // Black ink on a transparent canvas, 33×41, as a paint program might save it.
        let width = 33, height = 41
        let rows: [[UInt8]] = (0..<height).map { (y: Int) -> [UInt8] in
            (0..<width).flatMap { (x: Int) -> [UInt8] in
                let inBar = x >= 14 && x <= 18 && y >= 5 && y <= 35
                return inBar ? [0, 0, 0, 255] : [0, 0, 0, 0]
            }
        }
        let png = PNGWriter(width: width, height: height, colorType: 6).encode(rows: rows, filters: [1, 4])
        let image = try ImageFile.decode(png, file: "one.png")
        let digit = try DigitPreprocessing.mnistStyle(image, name: "one.png")
        let m = measure(digit)
        #expect(abs(m.cx - 14) <= 0.5 && abs(m.cy - 14) <= 0.5)
        #expect(m.height == 20)
        let path = TemporaryDirectory()
        let fromFile = try DigitPreprocessing.mnistStyle(path: path.write("one.png", png))
        #expect(fromFile == digit)
        let data = try Dataset.fromImages([digit], name: "one.png")
        #expect(data.count == 1 && data.inputWidth == 784 && data.imageShape == ImageShape(rows: 28, columns: 28))
        #expect(data.targetWidth == 0)
    }

    @Test func aBlankPictureIsAnError() {
        let blank = GrayImage(width: 10, height: 12, repeating: 0.8)
        let error = #expect(throws: DataError.self) { try DigitPreprocessing.mnistStyle(blank, name: "blank.png") }
        #expect(error?.description.hasPrefix("blank.png: ") == true)
    }

    @Test func areaAveragingKeepsTheMean() {
        let line: [Float] = [0, 1, 1, 0, 1, 0, 0]
        let out = DigitPreprocessing.resample(line, to: 3)
        let meanOut: Float = out.reduce(0, +) / 3, meanIn: Float = line.reduce(0, +) / 7
        #expect(abs(meanOut - meanIn) < 1e-5)
        let first: Float = (0 + 1 + 1.0 / 3) / (7.0 / 3)   // covers pixels 0, 1 and a third of 2
        #expect(abs(out[0] - first) < 1e-5)
        let up = DigitPreprocessing.resample([0.25, 1], to: 4)
        #expect(up == [0.25, 0.25, 1, 1])
    }
}

@Suite struct TerminalImageTests {
    let shape = ImageShape(rows: 4, columns: 3)
    // Rows: top two pixel rows make line 1, bottom two make line 2.
    let pixels: [Float] = [0, 1, 1,
                           0, 1, 0,
                           0.5, 0.45, 1,
                           0.5, 0, 1]

    @Test func shadesAverageTwoRowsPerCharacter() {
        #expect(TerminalImage.render(pixels, shape: shape) == " █▒\n▒░█")
    }

    @Test func blocksShowEachPixelOnOrOff() {
        #expect(TerminalImage.render(pixels, shape: shape, style: .blocks) == " █▀\n█ █")
    }

    @Test func ansiGrayUsesForegroundForTopAndBackgroundForBottom() {
        let text = TerminalImage.render([0, 1], shape: ImageShape(rows: 2, columns: 1), style: .ansiGray)
        #expect(text == "\u{1B}[38;5;232;48;5;255m▀\u{1B}[0m")
    }

    @Test func oddRowCountsAndOutOfRangeValues() {
        // Values outside 0…1 (standardised data) are drawn over their own range.
        let text = TerminalImage.render([-2, 2, 2, -2, -2, -2], shape: ImageShape(rows: 3, columns: 2))
        #expect(text == "▒▒\n  ")
    }

    @Test func shortPixelArraysDrawAsBlackInsteadOfCrashing() {
        #expect(TerminalImage.render([1, 1], shape: ImageShape(rows: 2, columns: 2)) == "▒▒")   // top row white, bottom missing
        #expect(TerminalImage.render([], shape: ImageShape(rows: 2, columns: 2)) == "  ")
    }

    @Test func gridLaysImagesOutWithCaptions() {
        let items = (0..<3).map { (pixels: [Float](repeating: Float($0) / 2, count: 16), caption: "true \($0) long caption") }
        let text = TerminalImage.grid(items, shape: ImageShape(rows: 4, columns: 4), perRow: 2, downsample: 2)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Band 1: one image line (4×4 → 2×2 → 1 line of 2) and captions; blank; band 2.
        #expect(lines == ["    ▒▒", "tr  tr", "", "██", "tr"])
        let wide = TerminalImage.grid(items, shape: ImageShape(rows: 4, columns: 4), perRow: 3)
        #expect(wide.split(separator: "\n")[2] == "true  true  true")
    }

    @Test func largeImagesShrinkToTheRoomKeepingTheirShape() {
        let big = ImageShape(rows: 1000, columns: 1000)
        #expect(TerminalImage.fittedShape(big, columns: 80, lines: 27) == ImageShape(rows: 54, columns: 54))
        #expect(TerminalImage.fittedShape(ImageShape(rows: 100, columns: 400), columns: 80, lines: 40)
                == ImageShape(rows: 20, columns: 80))
        let small = ImageShape(rows: 28, columns: 28)
        #expect(TerminalImage.fittedShape(small, columns: 80, lines: 27) == small, "never larger")
    }

    @Test func resamplingAveragesTheBlockEachPixelCovers() {
        // 4×4: left half 0, right half 1, halved to 2×2; a 3-wide row thirds into one pixel.
        let pixels: [Float] = [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]
        #expect(TerminalImage.resample(pixels, from: ImageShape(rows: 4, columns: 4), to: ImageShape(rows: 2, columns: 2))
                == [0, 1, 0, 1])
        let row = TerminalImage.resample([0, 0.5, 1], from: ImageShape(rows: 1, columns: 3), to: ImageShape(rows: 1, columns: 1))
        #expect(abs(row[0] - 0.5) < 1e-6)
        let text = TerminalImage.render([Float](repeating: 1, count: 40_000), shape: ImageShape(rows: 200, columns: 200),
                                        fitting: (columns: 30, lines: 10))
        #expect(text.split(separator: "\n").map(\.count) == Array(repeating: 20, count: 10))
    }

    @Test func gridBandsHoldWhatFitsTheWidth() {
        let items = (0..<8).map { (pixels: [Float](repeating: 1, count: 28 * 28), caption: "\($0)") }
        let text = TerminalImage.grid(items, shape: ImageShape(rows: 28, columns: 28), perRow: 6, downsample: 2, width: 60)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 60 })
        #expect(text.split(separator: "\n").first?.count == 46, "three 14-column digits and two gaps")
    }
}
