import Foundation
import Testing
@testable import Engine
@testable import ModelFiles

/// NumPy's `.npy` arrays and `.npz` archives: files written by NumPy read, nnsh's files laid
/// out as NumPy writes them, and every damaged file refused with one error.
@Suite struct NumPyFileTests {
    // Written by NumPy 2.4 (io.BytesIO, then base64):
    /// np.save(np.array([1, -2, 300], dtype='>i4'))
    static let bigEndianInt32 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAB/////gAAASw="
    /// np.savez_compressed(a=np.array([1, 2, 3], dtype=np.int64), b=np.array(['cat', 'dog']))
    static let compressed = "UEsDBC0AAAAIAAAAIQC8kVWO//////////8FABQAYS5ucHkBABAAmAAAAAAAAABNAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC5GBghggtLMUBoAUEsDBC0AAAAIAAAAIQDVkV3g//////////8FABQAYi5ucHkBABAAmAAAAAAAAABVAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG4Taqyuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAK5kBgaGRCAuAeIUIM4H4nQgBgBQSwECLQMtAAAACAAAACEAvJFVjk0AAACYAAAABQAAAAAAAAAAAAAAgAEAAAAAYS5ucHlQSwECLQMtAAAACAAAACEA1ZFd4FUAAACYAAAABQAAAAAAAAAAAAAAgAGEAAAAYi5ucHlQSwUGAAAAAAIAAgBmAAAAEAEAAAAA"
    /// np.savez(x=np.array([[0.5, 1.5]]))
    static let stored = "UEsDBC0AAAAAAAAAIQBRna+7//////////8FABQAeC5ucHkBABAAkAAAAAAAAACQAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxLCAyKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAA4D8AAAAAAAD4P1BLAQItAy0AAAAAAAAAIQBRna+7kAAAAJAAAAAFAAAAAAAAAAAAAACAAQAAAAB4Lm5weVBLBQYAAAAAAQABADMAAADHAAAAAAA="

    static func bytes(_ base64: String) -> [UInt8] { [UInt8](Data(base64Encoded: base64)!) }

    /// An `.npy` file with `header` as its header text (padded as NumPy pads it) and `data`.
    static func npy(_ header: String, data: [UInt8] = []) -> [UInt8] {
        var text = Array(header.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        return NumPyArray.magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
    }

    static func refusal(_ bytes: [UInt8]) -> ModelFileError? { expectModelFileError { _ = try NumPyArray.decode(bytes) } }
    static func archiveRefusal(_ bytes: [UInt8]) -> ModelFileError? { expectModelFileError { _ = try NumPyArchive.decode(bytes) } }

    /// Overwrites the `width`-byte little-endian field at `offset` of the first central
    /// directory entry (its offset read from the end record).
    static func patchCentral(_ zip: [UInt8], field offset: Int, width: Int, value: UInt64) -> [UInt8] {
        var z = zip
        let end = z.count - 22
        let central = Int(z[end + 16]) | Int(z[end + 17]) << 8 | Int(z[end + 18]) << 16 | Int(z[end + 19]) << 24
        for i in 0..<width { z[central + offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
        return z
    }

    // MARK: - .npy

    /// The header NumPy writes, byte for byte: version 1.0, the dict, spaces, `\n`, 64-aligned.
    @Test func headerIsNumPysOwn() {
        let a = NumPyArray(shape: [2, 3], values: [0, 1, 2, 3, 4, 5] as [Float])
        let bytes = a.encode()
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + String(repeating: " ", count: 58) + "\n"
        #expect(bytes.count == 128 + 24)
        #expect(Array(bytes[0..<10]) == NumPyArray.magic + [1, 0, 118, 0])
        #expect(String(decoding: bytes[10..<128], as: UTF8.self) == header)
        #expect(NumPyArray(shape: [3], int64: [1, 2, 3]).headerText.contains("'shape': (3,)"))
        #expect(NumPyArray(shape: [], values: [1.0]).headerText.contains("'shape': ()"))
        #expect(NumPyArray(shape: [1], bytes: [9]).headerText.contains("'descr': '|u1'"))
    }

    @Test(arguments: [
        NumPyArray(shape: [2, 2], values: [1, -2.5, .infinity, 0] as [Float]),
        NumPyArray(shape: [3], values: [1e300, -0.0, 3] as [Double]),
        NumPyArray(shape: [2, 1, 2], int64: [Int.min, -1, 0, Int.max]),
        NumPyArray(shape: [0, 5], bytes: []),
        NumPyArray(shape: [], values: [0.25] as [Double]),
        NumPyArray(strings: ["cat", "Trouser", "ünï €", ""]),
    ])
    func arraysRoundTrip(_ a: NumPyArray) throws {
        #expect(try NumPyArray.decode(a.encode()) == a)
        #expect(a.encode().count == 128 + a.data.count || a.encode().count == 64 + a.data.count)
    }

    @Test func readsNumPysBigEndianIntegers() throws {
        let a = try NumPyArray.decode(Self.bytes(Self.bigEndianInt32))
        #expect(a.dtype == .int32 && a.shape == [3])
        #expect((0..<3).map { a.integer(at: $0) } == [1, -2, 300])
    }

    @Test func textArrays() throws {
        let a = NumPyArray(strings: ["cat", "Trouser", "ünï €"])
        #expect(a.dtype == .unicode(7))
        #expect(a.strings == ["cat", "Trouser", "ünï €"])
        #expect(NumPyArray(shape: [1], int64: [1]).strings == nil)
    }

    @Test(arguments: [
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", "bad header: unknown key 'x' (a .npy header has descr, fortran_order and shape)"),
        ("{'descr': '<f4', 'fortran_order': False}", "bad header: no 'shape'"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", "bad header: a one-dimensional shape needs a trailing comma, (n,)"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "bad header: the shape is not a tuple of non-negative integers"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "bad header: a dimension of the shape is impossibly large"),
        ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", "bad header: 'descr' is not a string (structured arrays are not read)"),
        ("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", "bad header: 'fortran_order' is not True or False"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", "bad header: text after the closing '}'"),
        ("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", "element type '<c16' is not read"),
        ("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", "the array is in Fortran (column-major) order, which nnsh does not read"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", "the header says 100000×100000×100000 float64 (8000000000000000 data bytes) but only 0 follow"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", "the shape [4294967296, 4294967296, 4294967296] is impossibly large"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296), }", "the shape [0, 4294967296, 4294967296] is impossibly large"),
    ])
    func badHeadersAreRefused(_ header: String, _ message: String) {
        #expect(Self.refusal(Self.npy(header))?.message == message)
    }

    @Test func damagedFilesAreRefused() {
        let good = NumPyArray(shape: [2, 3], values: [0, 1, 2, 3, 4, 5] as [Float]).encode()
        #expect(Self.refusal(Array(good.dropLast(4)))?.message == "the header says 2×3 float32 (24 data bytes) but only 20 follow")
        #expect(Self.refusal(good + [0])?.message == "1 bytes after the data of 2×3 float32")
        #expect(Self.refusal(Array(good.prefix(9)))?.message == "9 bytes, too few for a .npy header")
        #expect(Self.refusal(Array(good.prefix(60)))?.kind == .truncated)
        #expect(Self.refusal(Array("PK\u{3}\u{4} not numpy".utf8))?.kind == .notAModelFile)
        var v4 = good
        v4[6] = 4
        #expect(Self.refusal(v4)?.message == ".npy format version 4.0 is not read (1.0, 2.0 and 3.0 are)")
        var binary = good
        binary[20] = 0xFF
        #expect(Self.refusal(binary)?.message == "the header is not ASCII text")
    }

    // MARK: - .npz

    @Test func readsNumPysCompressedArchive() throws {
        let archive = try NumPyArchive.decode(Self.bytes(Self.compressed))
        #expect(archive.keys == ["a", "b"])
        #expect(archive["a"] == NumPyArray(shape: [3], int64: [1, 2, 3]))
        #expect(archive["b"]?.strings == ["cat", "dog"])
    }

    @Test func readsNumPysStoredArchive() throws {
        let archive = try NumPyArchive.decode(Self.bytes(Self.stored))
        #expect(archive["x"] == NumPyArray(shape: [1, 2], values: [0.5, 1.5] as [Double]))
    }

    @Test func archivesRoundTrip() throws {
        var archive = NumPyArchive()
        archive["inputs"] = NumPyArray(shape: [2, 2], values: [1, 2, 3, 4] as [Float])
        archive["labels"] = NumPyArray(shape: [2], int64: [0, 1])
        archive["class_names"] = NumPyArray(strings: ["no", "yes"])
        let bytes = try archive.encode()
        #expect(try NumPyArchive.decode(bytes) == archive)
        #expect(try archive.encode() == bytes, "the same arrays give the same bytes")
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
    }

    @Test func damagedArchivesAreRefused() throws {
        let compressed = Self.bytes(Self.compressed), stored = Self.bytes(Self.stored)
        // Central directory entry fields: +10 method, +16 CRC, +20 packed size, +24 size, +42 local offset.
        #expect(Self.archiveRefusal(Self.patchCentral(compressed, field: 24, width: 4, value: 100))?.message
                == "member 'a.npy' unpacks to more than the 100 bytes it declares")
        #expect(Self.archiveRefusal(Self.patchCentral(compressed, field: 24, width: 4, value: 200))?.message
                == "member 'a.npy' unpacks to 152 of the 200 bytes it declares")
        #expect(Self.archiveRefusal(Self.patchCentral(compressed, field: 24, width: 4, value: 0xFFFF_FFF0))?.message
                == "member 'a.npy' declares 4294967280 bytes unpacked, more than nnsh reads from one member (2 GiB)")
        #expect(Self.archiveRefusal(Self.patchCentral(stored, field: 42, width: 4, value: 0x7FFF_0000))?.message
                == "member 'x.npy': its data lie beyond the end of the file (272 bytes)")
        #expect(Self.archiveRefusal(Self.patchCentral(stored, field: 42, width: 4, value: 3))?.message
                == "member 'x.npy': no local header at byte 3")
        #expect(Self.archiveRefusal(Self.patchCentral(stored, field: 10, width: 2, value: 12))?.message
                == "member 'x.npy': compression method 12 is not read")
        var flipped = stored
        flipped[190] ^= 1   // in the array's data (the central directory starts at 199)
        #expect(Self.archiveRefusal(flipped)?.message == "member 'x.npy': CRC-32 mismatch, the data are damaged")
        #expect(Self.archiveRefusal(Array(stored.dropLast(30)))?.kind == .notAModelFile)
        #expect(Self.archiveRefusal(Array(stored.prefix(10)))?.kind == .truncated)
        #expect(Self.archiveRefusal(NumPyArray(shape: [1], bytes: [1]).encode())?.message == "a single .npy array, not a .npz archive")
        // The end record's central directory runs past it.
        var end = stored
        end[end.count - 22 + 16] = 0xF0
        #expect(Self.archiveRefusal(end)?.kind == .malformed)
        // A member that is not an array.
        let notNpy = try ZipArchive.encode([ZipArchive.Member(name: "readme.txt", data: Array("hi".utf8))])
        #expect(Self.archiveRefusal(notNpy)?.message == "member 'readme.txt' is not a .npy array")
        // A member whose array is damaged: the member is named.
        let badMember = try ZipArchive.encode([ZipArchive.Member(name: "w.npy", data: Array(NumPyArray(shape: [2], int64: [1, 2]).encode().dropLast()))])
        #expect(Self.archiveRefusal(badMember)?.message == "member 'w.npy': the header says 2 int64 (16 data bytes) but only 15 follow")
    }

    /// Every prefix of an archive is refused with an error, never a trap.
    @Test func everyTruncationIsRefused() throws {
        let stored = Self.bytes(Self.stored)
        for n in 0..<stored.count { #expect(Self.archiveRefusal(Array(stored.prefix(n))) != nil) }
    }

    // MARK: - Networks

    /// `export m "x.npz"`: the safetensors names and orientation.
    @Test func networkWeightsByLayer() throws {
        let first = Matrix<Float>(rows: 3, columns: 2, storage: [0, 1, 2, 3, 4, 5])
        let net = try Network<Float>(inputWidth: 3, layers: [
            DenseLayer(weights: first, bias: [0.5, -0.5], activation: .relu),
            DenseLayer(weights: Matrix(rows: 2, columns: 1, storage: [7, 8]), bias: [1], activation: .linear),
        ])
        let archive = NumPyArchive(network: .float(net))
        #expect(archive.keys == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        let w = try #require(archive["layers.0.weight"])
        #expect(w.shape == [2, 3] && w.dtype == .float32)
        // [outputs, inputs]: element (o, i) is our weights[i, o].
        for o in 0..<2 { for i in 0..<3 { #expect(w.value(at: o * 3 + i) == Double(net.layers[0].weights[i, o])) } }
    }
}
