// libFuzzer target: nnsh model files (`load`, `info`). Input: the bytes of a model file.
// The file's trailing CRC-32 is recomputed first, so mutations reach the records and tensors
// instead of stopping at the checksum (its mismatch message is covered by the unit tests).
// Built and run by Scripts/fuzz.sh modelfile SECONDS.
@testable import Engine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes.count >= 4 {
        let crc = CRC32.checksum(bytes[..<(bytes.count - 4)])
        for k in 0..<4 { bytes[bytes.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
    }
    // What `info` does: header and records, keeping the skipped tags.
    _ = try? ModelFile.decodeReportingSkipped(bytes)
    // What `load` does: the contents, then a network built from them.
    if let model = try? ModelFile.decode(bytes), let loaded = try? ModelFile.network(from: model) {
        _ = loaded.network.layers.count
    }
    return 0
}
