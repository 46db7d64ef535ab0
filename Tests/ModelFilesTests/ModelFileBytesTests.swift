import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles

/// ByteReader/ByteWriter, CRC-32 and SHA-256: the pieces the model file formats stand on.
@Suite struct ModelFileBytesTests {
    @Test func writerIsLittleEndianAndReaderReadsItBack() throws {
        var w = ByteWriter()
        w.uint8(0xAB)
        w.uint16(0x0102)
        w.uint32(0x0304_0506)
        w.uint64(0x0708_090A_0B0C_0D0E as UInt64)
        w.int64(-2)
        w.float64(1.5)
        w.string("héllo")
        #expect(Array(w.bytes[0..<15]) == [0xAB, 0x02, 0x01, 0x06, 0x05, 0x04, 0x03,
                                            0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08, 0x07])
        var r = ByteReader(w.bytes)
        #expect(try r.uint8("a") == 0xAB)
        #expect(try r.uint16("b") == 0x0102)
        #expect(try r.uint32("c") == 0x0304_0506)
        #expect(try r.uint64("d") == 0x0708_090A_0B0C_0D0E)
        #expect(try r.int64("e") == -2)
        #expect(try r.float64("f") == 1.5)
        #expect(try r.string("g") == "héllo")
        #expect(r.isAtEnd)
    }

    @Test func scalarsRoundTripBitExactly() throws {
        let floats: [Float] = [0, -0.0, 1, .pi, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -3.25e-20]
        let doubles: [Double] = [0, -0.0, .pi, .leastNonzeroMagnitude, 1e300]
        var w = ByteWriter()
        w.scalars(floats)
        w.scalars(doubles)
        #expect(Array(w.bytes[4..<8]) == [0x00, 0x00, 0x00, 0x80])   // -0.0 as float32, little-endian
        var r = ByteReader(w.bytes)
        let f = try r.scalars(floats.count, of: Float.self, for: "f")
        let d = try r.scalars(doubles.count, of: Double.self, for: "d")
        #expect(f.map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(d.map(\.bitPattern) == doubles.map(\.bitPattern))
    }

    @Test func readingPastTheEndIsAnErrorWithItsOffset() {
        var r = ByteReader([1, 2, 3])
        #expect(throws: Never.self) { _ = try r.uint16("x") }
        do {
            _ = try r.uint32("the widget")
            Issue.record("read past the end")
        } catch {
            #expect(error.kind == .truncated)
            #expect(error.offset == 2)
            #expect(error.message.contains("the widget needs 4 bytes but only 1 remain"))
        }
    }

    @Test(arguments: [UInt64.max, 1 << 62, 3])   // beyond Int, overflows ×8, 24 bytes > 16 remaining
    func hugeCountsAreRefusedBeforeAllocating(count: UInt64) {
        var w = ByteWriter()
        w.uint64(count)
        w.uint64(0)
        w.uint64(0)
        var r = ByteReader(w.bytes)
        do {
            _ = try r.count("number of things", minimumElementSize: 8)
            Issue.record("accepted count \(count)")
        } catch {
            #expect(error.kind == .malformed)
            #expect(error.offset == 0)
            #expect(error.message.contains("more than the 16 remaining bytes can hold"))
        }
        if count > 16 {   // a string that long cannot fit either
            var s = ByteReader(w.bytes)
            #expect(throws: ModelFileError.self) { _ = try s.string("name") }
        }
    }

    @Test func scalarCountsThatOverflowAreRefused() {
        var r = ByteReader([UInt8](repeating: 0, count: 64))
        #expect(throws: ModelFileError.self) { _ = try r.scalars(Int.max / 2, of: Double.self, for: "x") }
        #expect(throws: ModelFileError.self) { _ = try r.scalars(9, of: Double.self, for: "x") }
        #expect(r.position == 0)
    }

    @Test func invalidUTF8IsRefused() {
        var w = ByteWriter()
        w.uint64(2)
        w.append([0xC3, 0x28])
        var r = ByteReader(w.bytes)
        #expect(throws: ModelFileError.self) { _ = try r.string("label") }
    }

    @Test func subReaderStaysInsideItsRange() throws {
        var r = ByteReader([1, 2, 3, 4, 5])
        _ = try r.uint8("a")
        var sub = try r.subReader(2, for: "record")
        #expect(try sub.uint8("b") == 2)
        #expect(throws: ModelFileError.self) { _ = try sub.uint16("c") }   // only 1 byte left in range
        #expect(try r.uint8("d") == 4)
    }

    @Test(arguments: [
        ("123456789", UInt32(0xCBF4_3926)),
        ("", UInt32(0)),
        ("The quick brown fox jumps over the lazy dog", UInt32(0x414F_A339)),
    ])
    func crc32MatchesKnownValues(text: String, crc: UInt32) {
        #expect(CRC32.checksum(Array(text.utf8)) == crc)
    }

    /// FIPS 180-4 examples and Python hashlib for lengths around the 56- and 64-byte padding edges.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (String(repeating: "a", count: 63), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (String(repeating: "a", count: 65), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (String(repeating: "a", count: 119), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
    ])
    func sha256MatchesKnownVectors(text: String, hex: String) {
        #expect(SHA256.hash(Array(text.utf8)).hexString == hex)
    }

    @Test func sha256OfAMillionAs() {
        var h = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        #expect(h.finalize().hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func sha256FedInPiecesEqualsOneShot() {
        var g = RandomGenerator(seed: 7)
        let data = (0..<1000).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        for split in [1, 7, 63, 64, 65, 500] {
            var h = SHA256()
            var i = 0
            while i < data.count { h.update(Array(data[i ..< min(i + split, data.count)])); i += split }
            #expect(h.finalize() == SHA256.hash(data), "pieces of \(split)")
        }
    }

    @Test func trainingDataDigestDependsOnEveryNumber() {
        let a = MatrixData(inputs: Matrix<Float>([[1, 2], [3, 4]]), labels: [0, 1], classes: 2)
        var b = a
        b.inputs[1, 1] = 4.5
        let c = MatrixData(inputs: Matrix<Double>([[1, 2], [3, 4]]), labels: [0, 1], classes: 2)
        #expect(SHA256.digest(of: a) != SHA256.digest(of: b))
        #expect(SHA256.digest(of: a) == SHA256.digest(of: c))   // same numbers, other storage precision
        // The documented layout: per example, inputs then targets as little-endian binary64.
        var w = ByteWriter()
        for v in [1.0, 2, 1, 0, 3, 4, 0, 1] { w.float64(v) }
        #expect(SHA256.digest(of: a) == SHA256.hash(w.bytes))
    }
}
