import Engine
import Testing
@testable import Data

/// `Dataset.contentDigest` hashes exactly the bytes docs/FORMAT.md §9 lists.
@Suite struct DigestTests {
    static func le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    @Test func pixelsWithClassesHashTheDocumentedBytes() throws {
        let d = try Dataset(name: "p", features: .pixels([0, 255, 7, 9]), inputWidth: 2,
                            targets: .classes(labels: [1, 0], classCount: 3))
        let bytes: [UInt8] = [1] + Self.le(2) + Self.le(2) + [0, 255, 7, 9] + [1] + Self.le(3) + Self.le(1) + Self.le(0)
        #expect(d.contentDigest() == SHA256.hash(bytes))
    }

    @Test func floatsWithValuesHashTheDocumentedBytes() throws {
        let d = try Dataset(name: "f", features: .float([0.5, -1]), inputWidth: 1,
                            targets: .values(Matrix(rows: 2, columns: 1, storage: [2.0, 3.0])))
        var bytes: [UInt8] = [4] + Self.le(2) + Self.le(1)
        for x: Float in [0.5, -1] { bytes += (0..<4).map { UInt8(truncatingIfNeeded: x.bitPattern >> (8 * $0)) } }
        bytes += [2] + Self.le(1) + Self.le(2.0.bitPattern) + Self.le(3.0.bitPattern)
        #expect(d.contentDigest() == SHA256.hash(bytes))
    }

    @Test func namesDoNotCountButNumbersAndOrderDo() throws {
        let a = try Dataset(name: "a", features: .double([1, 2]), inputWidth: 1, targets: .none)
        let b = try Dataset(name: "b", features: .double([1, 2]), inputWidth: 1, targets: .none)
        let swapped = try Dataset(name: "a", features: .double([2, 1]), inputWidth: 1, targets: .none)
        let single = try Dataset(name: "a", features: .float([1, 2]), inputWidth: 1, targets: .none)
        #expect(a.contentDigest() == b.contentDigest())
        #expect(a.contentDigest() != swapped.contentDigest())
        #expect(a.contentDigest() != single.contentDigest())
    }
}
