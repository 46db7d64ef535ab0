import Engine
import Testing
@testable import Data

/// Every reader checks what it is about to allocate against the memory budget before it
/// allocates: a small file claiming a large picture, integers widened to floats, a row of
/// millions of empty cells. Each test sets a small limit for its own task only
/// (`MemoryLimit.$scopedBytes`), since tests run in parallel.
@Suite struct MemoryBudgetTests {
    let dir = TemporaryDirectory()

    /// The error `body` throws under a limit of `limit` bytes, recording an issue when none.
    func refusal(under limit: Int, _ body: () throws -> Void) -> DataError? {
        MemoryLimit.$scopedBytes.withValue(limit) {
            do {
                try body()
                Issue.record("no error")
                return nil
            } catch let e as DataError {
                return e
            } catch {
                Issue.record("unexpected error \(error)")
                return nil
            }
        }
    }

    @Test func aPNGBombIsRefusedBeforeInflating() throws {
        // 1000×1000 black pixels compress to a few KB; decoded they take 13 MB.
        let rows = [[UInt8]](repeating: [UInt8](repeating: 0, count: 1000), count: 1000)
        let png = PNGWriter(width: 1000, height: 1000, colorType: 0).encode(rows: rows)
        #expect(png.count < 20_000)
        let e = refusal(under: 4 << 20) { _ = try ImageFile.decode(png, file: "bomb.png") }
        #expect(e?.kind == .tooLarge)
        #expect(e?.description == "bomb.png: decoding the 1000×1000 picture needs 12.4 MB, more than the memory limit of 4 MB")
        // A picture that fits is read under the same limit.
        let small = PNGWriter(width: 100, height: 100, colorType: 0).encode(rows: Array(rows.prefix(100)).map { Array($0.prefix(100)) })
        let image = try MemoryLimit.$scopedBytes.withValue(4 << 20) { try ImageFile.decode(small, file: "small.png") }
        #expect(image.width == 100)
    }

    @Test(arguments: ["P2", "P5", "P3"])
    func aNetpbmHeaderClaimingAHugePictureIsRefusedBeforeReading(kind: String) {
        let bytes = Array("\(kind) 4000 4000 255\n0 0 0".utf8)
        let e = refusal(under: 4 << 20) { _ = try ImageFile.decode(bytes, file: "big.pgm") }
        #expect(e?.kind == .tooLarge)
        #expect(e?.message.hasPrefix("decoding the 4000×4000 picture needs ") == true)
    }

    @Test func int8ExamplesAreChargedForTheirFloatFeatures() throws {
        // 100 000 bytes: reading them (bytes and Int8 values) takes 200 KB, the float32
        // features another 400 KB.
        let path = dir.write("x.idx", idxFile(type: 0x09, dimensions: [10_000, 10], payload: [UInt8](repeating: 1, count: 100_000)))
        let e = refusal(under: 300_000) { _ = try Dataset.loadIDX(images: path, labels: nil) }
        #expect(e?.kind == .tooLarge)
        #expect(e?.message.hasPrefix("the features (10000×10 int8 as float32) needs 488.3 KB, more than the memory limit of ") == true)
        let fits = try MemoryLimit.$scopedBytes.withValue(600_000) { try Dataset.loadIDX(images: path, labels: nil) }
        #expect(fits.count == 10_000 && fits.features.memoryBytes == 400_000)
    }

    @Test func aCSVRowOfManyCellsIsRefusedAsItGrows() {
        // Two rows of 200 000 cells: 800 KB of text, but 40 bytes a cell to parse.
        let header = String(repeating: "c,", count: 199_999) + "c\n"
        let row = String(repeating: "0,", count: 199_999) + "0\n"
        let e = refusal(under: 2 << 20) { _ = try CSV.parse(text: header + row, file: "wide.csv") }
        #expect(e?.kind == .tooLarge)
        #expect(e?.message.hasPrefix("this row has more than ") == true)
        #expect(e?.message.hasSuffix(", more than the memory limit of 2 MB") == true)
    }

    @Test func manyCSVRowsAreChargedForTheirValues() throws {
        // 70 000 rows of one feature and a text label: 8 bytes a row in the file, about 20
        // held (a float and a string).
        let text = "x,y\n" + String(repeating: "1,a\n", count: 70_000)
        let options = CSVOptions(label: "y")
        let e = refusal(under: 2_000_000) { _ = try CSV.parse(text: text, file: "long.csv", options: options) }
        #expect(e?.kind == .tooLarge)
        #expect(e?.message.hasPrefix("the values of more than 65536 rows needs ") == true)
        let fits = try MemoryLimit.$scopedBytes.withValue(8 << 20) { try CSV.parse(text: text, file: "long.csv", options: options) }
        #expect(fits.count == 70_000)
    }
}
