import CZlib
import Foundation
import Testing

/// A fresh folder under the system's temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "/nnsh-data-tests.XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = made.map { String(cString: $0) } ?? NSTemporaryDirectory()
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Foundation.Data(bytes))
        return p
    }

    @discardableResult
    func write(_ name: String, text: String) -> String { write(name, Array(text.utf8)) }

    /// Writes `bytes` gzip'ed (through zlib) to `name` and returns its path.
    @discardableResult
    func writeGzip(_ name: String, _ bytes: [UInt8]) -> String {
        let p = file(name)
        let gz = gzopen(p, "wb")!
        _ = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
        gzclose(gz)
        return p
    }
}

/// The bytes of an IDX file, built by hand: magic `00 00 type rank`, big-endian sizes, payload.
func idxFile(type: UInt8, dimensions: [Int], payload: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
    for d in dimensions { out += bigEndian(UInt32(d)) }
    return out + payload
}

func bigEndian<I: FixedWidthInteger>(_ v: I) -> [UInt8] {
    (0..<(I.bitWidth / 8)).reversed().map { UInt8(truncatingIfNeeded: v >> ($0 * 8)) }
}

/// The package root, found from this file's path (Tests/DataTests/Support/TestFiles.swift).
func packageRoot() -> String {
    let filePath: String = #filePath
    var parts = filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    return parts.joined(separator: "/")
}

/// Approximate equality with an absolute tolerance.
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

/// A file's bytes exactly as stored (no gunzip), for tests that damage files.
func rawBytes(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { Array($0) } ?? []
}
