import Testing
@testable import Data

/// Inputs that crashed a libFuzzer target (Scripts/fuzz.sh; docs/FUZZING.md lists them), kept
/// byte for byte: each must now be a one-line error naming the file.
@Suite struct FuzzRegressionTests {
    let dir = TemporaryDirectory()

    /// fuzz idx, 2026-11-23: 0 × 4278190846 × 4002471403 bytes. No data, so the size check
    /// passed, and pairing it as a dataset multiplied the example width and trapped on overflow.
    @Test func zeroExamplesBesideHugeDimensions() throws {
        let bytes: [UInt8] = [0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x00, 0x00,
                              0xff, 0x00, 0x02, 0xfe, 0xee, 0x90, 0xdd, 0xeb]
        let path = dir.write("crash-99105bd2.idx", bytes)
        let error = #expect(throws: DataError.self) { try Dataset.loadIDX(images: path, labels: path) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.description == "\(path): header claims 0×4278190846×4002471403 uint8, more than 4 GiB; the file is damaged")
    }

    /// A zero dimension with sensible others is still an empty array, not an error.
    @Test func zeroExamplesIsStillReadable() throws {
        let path = dir.write("empty.idx", idxFile(type: 0x08, dimensions: [0, 28, 28], payload: []))
        let array = try IDX.read(path: path)
        #expect(array.dimensions == [0, 28, 28])
        #expect(array.count == 0)
    }
}
