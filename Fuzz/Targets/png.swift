// libFuzzer target: pictures (`classify "digit.png"`): PNG, and PGM/PPM through the same
// entry point, then the MNIST-style preprocessing a picture goes through before `classify`.
// Each complete PNG chunk's CRC-32 is recomputed first, so mutations reach the header, the
// zlib stream and the row filters instead of stopping at the checksum.
// A picture that decodes is then used as a person would, through the language: `show` it and
// `classify` it with a digit model (the fixture m.nnm), each on its own.
// Built and run by Scripts/fuzz.sh png SECONDS.
import CZlib
import Data
@testable import Shell

/// The uses, one statement each.
private let uses = [#"show "x.img""#, #"m = load "m.nnm""#, #"c = classify m "x.img""#, "print c"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    fixChunkChecksums(&bytes)
    guard let image = try? ImageFile.decode(bytes, file: "fuzz.png") else { return 0 }
    _ = try? DigitPreprocessing.mnistStyle(image)
    resetSandbox()
    writeSandboxFile("x.img", bytes)
    runEach(uses)
    return 0
}

/// Walks the chunks after the 8-byte signature (`length | type | data | CRC-32`, big-endian)
/// and writes the right CRC-32 into every chunk that is complete.
private func fixChunkChecksums(_ bytes: inout [UInt8]) {
    guard bytes.count > 8 else { return }
    var position = 8
    while bytes.count - position >= 12 {
        let length = Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16
            | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
        guard length <= bytes.count - position - 12 else { return }
        let crcAt = position + 8 + length
        let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress! + position + 4, UInt32(length + 4)) }
        for k in 0..<4 { bytes[crcAt + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt(3 - k))) }
        position = crcAt + 4
    }
}
