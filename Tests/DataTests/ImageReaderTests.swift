import Testing
@testable import Data
@testable import Plots

/// The low byte of `v` (values above 255 wrap).
private func byte(_ v: Int) -> UInt8 { UInt8(truncatingIfNeeded: v) }

@Suite struct PNGTests {
    /// The PNGs the SVG pictures embed (Plots' encoder) read back with this reader, level for level.
    @Test func thePicturesEmbeddedPNGsReadBack() throws {
        let levels = (0..<(29 * 13)).map { UInt8(truncatingIfNeeded: $0 &* 53) }
        let png = try #require(PNGEncoder.greyscale(width: 29, height: 13, levels: levels))
        let image = try ImageFile.decode(png, file: "embedded.png")
        #expect(image.width == 29 && image.height == 13)
        #expect(image.bytes == levels)
    }

    let dir = TemporaryDirectory()

    /// A 7×5 gray ramp whose values exercise every filter (row y uses filter y).
    private func grayRows() -> [[UInt8]] {
        (0..<5).map { (y: Int) -> [UInt8] in
            (0..<7).map { (x: Int) -> UInt8 in byte(x * 37 + y * 101 + x * y * 13) }
        }
    }

    @Test func grayWithAllFiveFilters() throws {
        let rows = grayRows()
        let png = PNGWriter(width: 7, height: 5, colorType: 0).encode(rows: rows, filters: [0, 1, 2, 3, 4])
        let image = try ImageFile.read(path: dir.write("gray.png", png))
        #expect(image.width == 7 && image.height == 5)
        #expect(image.bytes == rows.flatMap { $0 })
    }

    @Test func filtersWithSeveralBytesPerPixelAndSplitData() throws {
        // RGBA, 4 bytes per pixel: Sub, Average and Paeth reach 4 bytes back.
        let rows: [[UInt8]] = (0..<5).map { (y: Int) -> [UInt8] in
            (0..<6).flatMap { (x: Int) -> [UInt8] in [byte(x * 40), byte(y * 50), byte((x + y) * 20), 255] }
        }
        var writer = PNGWriter(width: 6, height: 5, colorType: 6)
        writer.idatChunks = 3
        let image = try ImageFile.decode(writer.encode(rows: rows, filters: [4, 3, 1, 2, 0]), file: "rgba.png")
        for y in 0..<5 {
            for x in 0..<6 {
                let expected = (0.299 * Float(x * 40) + 0.587 * Float(y * 50) + 0.114 * Float((x + y) * 20)) / 255
                #expect(abs(image[x, y] - expected) < 1e-5)
            }
        }
    }

    @Test func rgbBecomesLuma() throws {
        let rows: [[UInt8]] = [[255, 0, 0, 0, 255, 0], [0, 0, 255, 255, 255, 255]]
        let image = try ImageFile.decode(PNGWriter(width: 2, height: 2, colorType: 2).encode(rows: rows, filters: [1]), file: "rgb.png")
        #expect(abs(image[0, 0] - 0.299) < 1e-5 && abs(image[1, 0] - 0.587) < 1e-5)
        #expect(abs(image[0, 1] - 0.114) < 1e-5 && abs(image[1, 1] - 1) < 1e-5)
    }

    @Test func transparencyBecomesBackgroundAgainstTheInk() throws {
        // Black ink on a transparent canvas: laid over white.
        let dark: [[UInt8]] = [[0, 255, 0, 0], [0, 0, 0, 0]]   // gray+alpha pairs: ink, nothing
        let overWhite = try ImageFile.decode(PNGWriter(width: 2, height: 2, colorType: 4).encode(rows: dark), file: "a.png")
        #expect(overWhite.pixels == [0, 1, 1, 1])
        // White ink on a transparent canvas: laid over black.
        let light: [[UInt8]] = [[255, 255, 255, 0], [255, 0, 255, 0]]
        let overBlack = try ImageFile.decode(PNGWriter(width: 2, height: 2, colorType: 4).encode(rows: light), file: "b.png")
        #expect(overBlack.pixels == [1, 0, 0, 0])
    }

    @Test func paletteAndLowBitDepths() throws {
        var writer = PNGWriter(width: 3, height: 2, colorType: 3)
        writer.bitDepth = 4
        writer.palette = [0, 0, 0, 255, 255, 255, 255, 0, 0]
        writer.transparency = [255, 255, 0]   // entry 2 fully transparent
        // 4-bit indices, two per byte: row 0 = 0,1,2; row 1 = 0,0,1.
        let image = try ImageFile.decode(writer.encode(rows: [[0x01, 0x20], [0x00, 0x10]]), file: "p.png")
        #expect(image.pixels == [0, 1, 1, 0, 0, 1])   // mostly dark ink: the transparent red pixel becomes white

        var oneBit = PNGWriter(width: 10, height: 1, colorType: 0)
        oneBit.bitDepth = 1
        let bits = try ImageFile.decode(oneBit.encode(rows: [[0b1010_0000, 0b1100_0000]]), file: "b.png")
        #expect(bits.pixels == [1, 0, 1, 0, 0, 0, 0, 0, 1, 1])
    }

    @Test func interlacedAnd16BitAreRefusedClearly() {
        var interlaced = PNGWriter(width: 1, height: 1, colorType: 0)
        interlaced.interlace = 1
        let e1 = #expect(throws: DataError.self) { try ImageFile.decode(interlaced.encode(rows: [[0]]), file: "i.png") }
        #expect(e1?.kind == .unsupported && e1?.description.contains("interlaced") == true)
        var deep = PNGWriter(width: 1, height: 1, colorType: 0)
        deep.bitDepth = 16
        let e2 = #expect(throws: DataError.self) { try ImageFile.decode(deep.encode(rows: [[0, 0]]), file: "d.png") }
        #expect(e2?.kind == .unsupported && e2?.description.contains("16-bit") == true)
    }

    @Test func damagedFilesAreErrors() {
        let good = PNGWriter(width: 7, height: 5, colorType: 0).encode(rows: grayRows(), filters: [2])
        var badCRC = good
        badCRC[20] ^= 0xFF   // inside IHDR
        let e1 = #expect(throws: DataError.self) { try ImageFile.decode(badCRC, file: "c.png") }
        #expect(e1?.kind == .malformed && e1?.description.contains("CRC") == true)
        let e2 = #expect(throws: DataError.self) { try ImageFile.decode(Array(good.prefix(good.count - 30)), file: "t.png") }
        #expect(e2?.kind == .truncated)
        let e3 = #expect(throws: DataError.self) { try ImageFile.decode(Array("GIF89a".utf8), file: "g.gif") }
        #expect(e3?.kind == .badMagic && e3?.description.hasPrefix("g.gif: ") == true)
        let unknownFilter = PNGWriter(width: 2, height: 1, colorType: 0).encode(rows: [[1, 2]], filters: [7])
        let e4 = #expect(throws: DataError.self) { try ImageFile.decode(unknownFilter, file: "f.png") }
        #expect(e4?.kind == .malformed && e4?.description.contains("filter") == true)
        // Too few rows in the data: IHDR says 5 rows, the data hold 4.
        let short = PNGWriter(width: 7, height: 5, colorType: 0).encode(rows: Array(grayRows().prefix(4)))
        let e5 = #expect(throws: DataError.self) { try ImageFile.decode(short, file: "s.png") }
        #expect(e5?.kind == .truncated)
        let withoutEnd = Array(good.prefix(good.count - 12))
        let e6 = #expect(throws: DataError.self) { try ImageFile.decode(withoutEnd, file: "e.png") }
        #expect(e6?.kind == .truncated)
    }
}

@Suite struct NetpbmTests {
    let dir = TemporaryDirectory()

    @Test func textPGMWithComments() throws {
        let path = dir.write("a.pgm", text: "P2\n# made by hand\n3 2 # width height\n10\n0 5 10\n10 5 0\n")
        let image = try ImageFile.read(path: path)
        #expect(image.width == 3 && image.height == 2)
        #expect(image.pixels == [0, 0.5, 1, 1, 0.5, 0])
    }

    @Test func binaryPGMIn8And16Bits() throws {
        let eight = dir.write("b.pgm", Array("P5 2 2 255\n".utf8) + [0, 51, 204, 255])
        #expect(try ImageFile.read(path: eight).bytes == [0, 51, 204, 255])
        let sixteen = dir.write("c.pgm", Array("P5\n2 1\n65535\n".utf8) + [0xFF, 0xFF, 0x80, 0x00])
        let image = try ImageFile.read(path: sixteen)
        #expect(image.pixels[0] == 1 && abs(image.pixels[1] - 32768.0 / 65535) < 1e-6)
    }

    @Test func binaryPPMBecomesGray() throws {
        let path = dir.write("d.ppm", Array("P6 2 1 255\n".utf8) + [255, 0, 0, 255, 255, 255])
        let image = try ImageFile.read(path: path)
        #expect(abs(image.pixels[0] - 0.299) < 1e-5 && abs(image.pixels[1] - 1) < 1e-5)
    }

    @Test func malformedNetpbmFiles() {
        let bad = dir.write("e.pgm", text: "P2\n2 2\n255\n0 1\n2 x3\n")
        let e1 = #expect(throws: DataError.self) { try ImageFile.read(path: bad) }
        #expect(e1?.kind == .badValue && e1?.line == 5 && e1?.column == 3)
        #expect(e1?.description.hasPrefix(bad + ":5:3: ") == true)
        let short = dir.write("f.pgm", Array("P5 4 4 255\n".utf8) + [1, 2, 3])
        let e2 = #expect(throws: DataError.self) { try ImageFile.read(path: short) }
        #expect(e2?.kind == .truncated)
        let zero = dir.write("g.pgm", text: "P2 1 1 0 0\n")
        #expect(throws: DataError.self) { try ImageFile.read(path: zero) }
        let above = dir.write("h.pgm", text: "P2 1 1 7 9\n")
        let e4 = #expect(throws: DataError.self) { try ImageFile.read(path: above) }
        #expect(e4?.kind == .badValue)
        let huge = dir.write("i.pgm", text: "P5 100000 100000 255\n")
        let e5 = #expect(throws: DataError.self) { try ImageFile.read(path: huge) }
        #expect(e5?.kind == .tooLarge)
        let headerOnly = dir.write("j.pgm", text: "P2 2")
        let e6 = #expect(throws: DataError.self) { try ImageFile.read(path: headerOnly) }
        #expect(e6?.kind == .truncated)
    }
}
