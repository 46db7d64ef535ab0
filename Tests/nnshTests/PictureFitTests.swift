import Foundation
import Testing

/// Pictures fit the terminal: a large image file is drawn smaller (its proportions kept), and
/// digit grids (`show ... count=`, `errors`) put no more images in a band than the width holds.
@Suite(.serialized) struct PictureFitTests {
    /// A width × height binary PGM: a diagonal gradient.
    static func pgm(width: Int, height: Int) throws -> TemporaryFile {
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        for y in 0..<height {
            for x in 0..<width { bytes.append(UInt8((x + y) * 255 / (width + height))) }
        }
        return try TemporaryFile(bytes: bytes, suffix: ".pgm")
    }

    /// `count` 28×28 digit-like images (IDX, unsigned bytes) and their labels 0...9.
    static func digits(count: Int) throws -> (images: TemporaryFile, labels: TemporaryFile) {
        func header(_ magic: UInt8, _ dimensions: [Int]) -> [UInt8] {
            [0, 0, 0x08, magic] + dimensions.flatMap { d in (0..<4).reversed().map { UInt8((d >> ($0 * 8)) & 0xFF) } }
        }
        var images = header(3, [count, 28, 28]), labels = header(1, [count])
        for i in 0..<count {
            for y in 0..<28 {
                for x in 0..<28 { images.append(abs(x - 14) + abs(y - 14) < 6 + i % 5 ? 255 : 0) }
            }
            labels.append(UInt8(i % 10))
        }
        return (try TemporaryFile(bytes: images), try TemporaryFile(bytes: labels))
    }

    static func run(_ script: String, columns: UInt16, rows: UInt16 = 30) throws -> PseudoTerminal {
        let t = try PseudoTerminal(arguments: ["-e", script + "\nprint \"done\""],
                                   environment: ["TERM": "xterm-256color"], columns: columns, rows: rows)
        try t.expect("done", timeout: 30)
        _ = t.waitForExit()
        return t
    }

    /// A 1000×1000 PGM printed 1.7 MB, 1000 columns wide.
    @Test(arguments: [UInt16(80), 60])
    func aLargeImageIsDrawnToFit(columns: UInt16) throws {
        let file = try Self.pgm(width: 1000, height: 1000)
        let t = try Self.run("show \"\(file.path)\"", columns: columns, rows: 30)
        let rows = t.writtenRows
        // The caption starts with the file's name, as long as the test's temporary folder makes it.
        let widest = rows.filter { !$0.hasPrefix(file.path) }.map(PseudoTerminal.cells).max() ?? 0
        #expect(widest <= Int(columns), "a row of \(widest) cells")
        let picture = rows.filter { $0.contains("▀") }
        #expect(picture.count >= 10 && picture.count <= 30, "\(picture.count) lines of picture at 30 rows")
        #expect(t.bytes.count < 100_000, "\(t.bytes.count) bytes")
        #expect(t.screen.contains("1000×1000"), "the caption still gives the file's size")
    }

    /// Six 14-column digits per band took ~94 columns and garbled at 80.
    @Test(arguments: [UInt16(80), 60])
    func digitGridsWrapToTheWidth(columns: UInt16) throws {
        let (images, labels) = try Self.digits(count: 8)
        let t = try Self.run("""
            d = idx "\(images.path)" "\(labels.path)"
            show d 0 count=8
            net = network 784
            add net dense 10 softmax
            errors net d count=8
            """, columns: columns)
        let widest = t.widestRow()
        #expect(widest.width <= Int(columns), "a row of \(widest.width) cells: \(widest.row)")
        for i in 0..<8 { #expect(t.screen.contains("\(i) #\(i)"), "caption of #\(i)") }
        #expect(t.screen.contains("misclassified"))
    }

    /// A network's filters (`inspect`) and feature maps (`show d 0 net=`) wrap into bands
    /// within the width, in colour, titles cut with "…" rather than wrapped by the terminal.
    @Test(arguments: [UInt16(80), 60])
    func filtersAndFeatureMapsFitTheWidth(columns: UInt16) throws {
        let (images, labels) = try Self.digits(count: 2)
        let t = try Self.run("""
            set seed 1
            d = idx "\(images.path)" "\(labels.path)"
            net = network d
            add net conv 8 3 relu
            add net maxpool 2
            add net conv 4 3 relu
            inspect net
            show d 1 net=net layer=1
            show d 1 net=net layer=3
            """, columns: columns)
        let rows = t.writtenRows
        // (The table of norms above the pictures is inspect's own, as wide as its columns.)
        let pictures = rows.drop { !$0.hasPrefix("layer 1 (conv)") }
        #expect(!pictures.isEmpty)
        for row in pictures where !row.hasPrefix("weight norms only") {
            #expect(PseudoTerminal.cells(row) <= Int(columns), "a row of \(PseudoTerminal.cells(row)) cells: \(row)")
        }
        #expect(rows.contains("layer 1 (conv): 8 filters 3×3"))
        #expect(rows.contains { $0.hasPrefix("layer 2 (conv): 4 filters 3×3, each the mean of its 8 ch") })
        // The data's name is a long temporary file's: at 60 columns the titles are cut.
        for title in ["#1 after layer 1 (conv 8 3×3", "#1 after layer 3 (conv 4 3×3"] {
            #expect(rows.contains { $0.contains(title) || (columns < 80 && $0.hasPrefix("nnsh-test-") && $0.hasSuffix("…")) })
        }
        for caption in ["f8", "c8", "c4"] {
            #expect(rows.contains { $0.split(separator: " ").contains(Substring(caption)) }, "caption \(caption)")
        }
        #expect(t.bytes.count < 200_000, "\(t.bytes.count) bytes")
    }
}
