import Testing
@testable import Data

@Suite struct IDXTests {
    let dir = TemporaryDirectory()

    @Test func readsUnsignedBytesIn1D() throws {
        let path = dir.write("a.idx", idxFile(type: 0x08, dimensions: [4], payload: [0, 1, 128, 255]))
        let a = try IDX.read(path: path)
        #expect(a.dimensions == [4])
        #expect(a.values == .uint8([0, 1, 128, 255]))
    }

    @Test func readsSignedBytesIn2D() throws {
        let path = dir.write("b.idx", idxFile(type: 0x09, dimensions: [2, 3], payload: [0, 1, 0x7F, 0x80, 0xFF, 5]))
        let a = try IDX.read(path: path)
        #expect(a.dimensions == [2, 3])
        #expect(a.values == .int8([0, 1, 127, -128, -1, 5]))
    }

    @Test func readsBigEndianShortsIn3D() throws {
        let values: [Int16] = [1, -2, 300, -30000, 0, 32767, 7, 8]
        let path = dir.write("c.idx", idxFile(type: 0x0B, dimensions: [2, 2, 2], payload: values.flatMap(bigEndian)))
        let a = try IDX.read(path: path)
        #expect(a.dimensions == [2, 2, 2])
        #expect(a.values == .int16(values))
        #expect(a.value(at: 3) == -30000)
    }

    @Test func readsBigEndianIntsIn4D() throws {
        let values: [Int32] = (0..<24).map { Int32($0) * 100_003 - 1_000_000 }
        let path = dir.write("d.idx", idxFile(type: 0x0C, dimensions: [1, 2, 3, 4], payload: values.flatMap(bigEndian)))
        let a = try IDX.read(path: path)
        #expect(a.dimensions == [1, 2, 3, 4])
        #expect(a.values == .int32(values))
    }

    @Test func readsFloatsAndDoubles() throws {
        let floats: [Float] = [0.5, -1.25, 3e7, .leastNormalMagnitude]
        let doubles: [Double] = [0.1, -2.5e-300, 1e300]
        let f = dir.write("f.idx", idxFile(type: 0x0D, dimensions: [4], payload: floats.flatMap { bigEndian($0.bitPattern) }))
        let d = dir.write("g.idx", idxFile(type: 0x0E, dimensions: [3, 1], payload: doubles.flatMap { bigEndian($0.bitPattern) }))
        #expect(try IDX.read(path: f).values == .float32(floats))
        let read = try IDX.read(path: d)
        #expect(read.values == .float64(doubles))
        #expect(read.dimensions == [3, 1])
    }

    @Test func readsGzippedFilesByContent() throws {
        let values: [Int16] = [-5, 6, 700]
        let bytes = idxFile(type: 0x0B, dimensions: [3], payload: values.flatMap(bigEndian))
        let gz = dir.writeGzip("h.idx.gz", bytes)
        #expect(try IDX.read(path: gz).values == .int16(values))
    }

    @Test func rejectsWrongMagic() throws {
        let path = dir.write("bad.idx", Array("PK\u{3}\u{4}garbage".utf8))
        let error = #expect(throws: DataError.self) { try IDX.read(path: path) }
        #expect(error?.kind == .badMagic)
        #expect(error?.description.hasPrefix(path + ": ") == true)
        #expect(error?.description.contains("magic") == true)
    }

    @Test func rejectsUnknownElementType() throws {
        let path = dir.write("type.idx", idxFile(type: 0x0A, dimensions: [1], payload: [0]))
        let error = #expect(throws: DataError.self) { try IDX.read(path: path) }
        #expect(error?.kind == .badMagic)
    }

    @Test func rejectsFiveDimensions() throws {
        let path = dir.write("five.idx", idxFile(type: 0x08, dimensions: [1, 1, 1, 1, 1], payload: [0]))
        let error = #expect(throws: DataError.self) { try IDX.read(path: path) }
        #expect(error?.kind == .unsupported)
    }

    @Test func rejectsTruncatedData() throws {
        let plain = dir.write("short.idx", idxFile(type: 0x08, dimensions: [10, 2], payload: [UInt8](repeating: 1, count: 19)))
        let e1 = #expect(throws: DataError.self) { try IDX.read(path: plain) }
        #expect(e1?.kind == .truncated)
        #expect(e1?.description.contains("short.idx") == true)

        let gz = dir.writeGzip("short.idx.gz", idxFile(type: 0x0C, dimensions: [3], payload: [0, 0, 0, 1, 0, 0]))
        let e2 = #expect(throws: DataError.self) { try IDX.read(path: gz) }
        #expect(e2?.kind == .truncated)

        let empty = dir.write("empty.idx", [])
        #expect(throws: DataError.self) { try IDX.read(path: empty) }
        let header = dir.write("header.idx", [0, 0, 8, 3, 0, 0])
        let e3 = #expect(throws: DataError.self) { try IDX.read(path: header) }
        #expect(e3?.kind == .truncated)
    }

    @Test func rejectsCutGzipStream() throws {
        let payload = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        let full = dir.writeGzip("whole.gz", idxFile(type: 0x08, dimensions: [5000], payload: payload))
        let bytes = rawBytes(full)
        let cut = dir.write("cut.gz", Array(bytes.prefix(bytes.count / 2)))
        let error = #expect(throws: DataError.self) { try IDX.read(path: cut) }
        #expect(error?.kind == .truncated)
    }

    @Test func rejectsDimensionsThatDisagreeWithTheFileSize() throws {
        let plain = dir.write("long.idx", idxFile(type: 0x08, dimensions: [2, 2], payload: [1, 2, 3, 4, 5]))
        let e1 = #expect(throws: DataError.self) { try IDX.read(path: plain) }
        #expect(e1?.kind == .sizeMismatch)
        let gz = dir.writeGzip("long.idx.gz", idxFile(type: 0x08, dimensions: [2, 2], payload: [1, 2, 3, 4, 5]))
        let e2 = #expect(throws: DataError.self) { try IDX.read(path: gz) }
        #expect(e2?.kind == .sizeMismatch)
    }

    @Test func rejectsAbsurdSizes() throws {
        let huge = dir.write("huge.idx", idxFile(type: 0x0E, dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [1, 2]))
        let e1 = #expect(throws: DataError.self) { try IDX.read(path: huge) }
        #expect(e1?.kind == .tooLarge)
        // 3 GiB announced, a few bytes present, gzip'ed: refused as truncated without allocating it all.
        let gz = dir.writeGzip("big.idx.gz", idxFile(type: 0x08, dimensions: [3, 1 << 30], payload: [1, 2, 3]))
        let e2 = #expect(throws: DataError.self) { try IDX.read(path: gz) }
        #expect(e2?.kind == .truncated)
    }

    @Test func missingFileIsAnError() {
        let error = #expect(throws: DataError.self) { try IDX.read(path: dir.file("nothing.idx")) }
        #expect(error?.kind == .cannotRead)
        #expect(error?.description.contains("nothing.idx") == true)
    }

    @Test func generalIDXPairBecomesADataset() throws {
        let images = dir.write("x.idx", idxFile(type: 0x0D, dimensions: [3, 2], payload: [Float](arrayLiteral: 1, 2, 3, 4, 5, 6).flatMap { bigEndian($0.bitPattern) }))
        let labels = dir.write("y.idx", idxFile(type: 0x08, dimensions: [3], payload: [2, 0, 1]))
        let d = try Dataset.loadIDX(images: images, labels: labels)
        #expect(d.count == 3 && d.inputWidth == 2 && d.targetWidth == 3)
        #expect(d.labels == [2, 0, 1])
        #expect(d.featureRow(2) == [5, 6])
        let regression = dir.write("r.idx", idxFile(type: 0x0E, dimensions: [3, 1], payload: [Double](arrayLiteral: 0.5, 1.5, 2.5).flatMap { bigEndian($0.bitPattern) }))
        let r = try Dataset.loadIDX(images: images, labels: regression)
        #expect(r.labels == nil && r.targetWidth == 1)
        #expect(r.targetMatrix(Double.self)[2, 0] == 2.5)
        let tooFew = dir.write("few.idx", idxFile(type: 0x08, dimensions: [2], payload: [0, 1]))
        let error = #expect(throws: DataError.self) { try Dataset.loadIDX(images: images, labels: tooFew) }
        #expect(error?.kind == .countMismatch)
    }
}

