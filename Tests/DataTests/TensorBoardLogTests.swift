import Engine
import Foundation
import Testing
@testable import Data

/// TensorBoard event files: CRC-32C against published vectors, the protobuf bytes of an event
/// written out by hand, and a log file read back record by record.
@Suite struct TensorBoardLogTests {
    /// RFC 3720 (iSCSI) B.4 and the common check value.
    @Test func crc32cKnownVectors() {
        #expect(CRC32C.checksum("123456789".utf8) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        // Masked: rotate right 15, add 0xA282EAD8 (the CRC of nothing is 0).
        #expect(CRC32C.masked([UInt8]()) == 0xA282_EAD8)
        #expect(CRC32C.masked("123456789".utf8) == 0xC78A_B0E5)
    }

    /// Event{wall_time: 1.5, step: 3, summary{value{tag: "loss", simple_value: 0.25}}}, encoded by hand.
    @Test func eventBytesFollowTheProto() {
        let event = TensorBoardEvent(wallTime: 1.5, step: 3, scalars: [(tag: "loss", value: 0.25)])
        let expected: [UInt8] = [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,   // 1: wall_time, fixed64 1.5
                                 0x10, 0x03,                           // 2: step, varint 3
                                 0x2A, 0x0D,                           // 5: summary, 13 bytes
                                 0x0A, 0x0B,                           //   1: value, 11 bytes
                                 0x0A, 0x04] + Array("loss".utf8)      //     1: tag
            + [0x15, 0, 0, 0x80, 0x3E]                                 //     2: simple_value, fixed32 0.25
        #expect(event.encoded == expected)
        let version = TensorBoardEvent(wallTime: 0, step: 0, fileVersion: "brain.Event:2").encoded
        #expect(version == [0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x1A, 13] + Array("brain.Event:2".utf8))
        #expect(TensorBoardEvent.varint(300) == [0xAC, 0x02])
        #expect(TensorBoardEvent.varint(UInt64(bitPattern: -1)).count == 10)
    }

    /// Splits TFRecord framing, checking both masked CRCs of every record.
    static func records(_ bytes: [UInt8]) -> [[UInt8]]? {
        var out: [[UInt8]] = [], at = 0
        func u32(_ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[i + $1]) << (8 * $1) } }
        while at < bytes.count {
            guard at + 12 <= bytes.count else { return nil }
            let length = Int((0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * $1) })
            guard u32(at + 8) == CRC32C.masked(bytes[at ..< at + 8]), at + 16 + length <= bytes.count else { return nil }
            let data = Array(bytes[at + 12 ..< at + 12 + length])
            guard u32(at + 12 + length) == CRC32C.masked(data) else { return nil }
            out.append(data)
            at += 16 + length
        }
        return out
    }

    @Test func logHoldsTheVersionThenOneRecordPerCompleteEpoch() throws {
        let dir = TemporaryDirectory()
        let log = try TensorBoardLog(folder: dir.file("runs/exp1"))
        #expect(log.path.hasPrefix(dir.file("runs/exp1/events.out.tfevents.")))
        let first = EpochRecord(epoch: 1, trainingLoss: 0.5, trainingMetric: 0.75, validationLoss: 0.625, validationMetric: 0.5,
                                metric: .accuracy, samples: 10, seconds: 1, complete: true, learningRate: 0.01)
        var paused = first
        paused.epoch = 2
        paused.complete = false
        let second = EpochRecord(epoch: 2, trainingLoss: 0.25, trainingMetric: 2, validationLoss: nil, validationMetric: nil,
                                 metric: .mse, samples: 10, seconds: 1, complete: true)
        log.append(first)
        log.append(paused)
        log.append(second)
        log.close()
        let bytes = try [UInt8](Foundation.Data(contentsOf: URL(fileURLWithPath: log.path)))
        let records = try #require(Self.records(bytes))
        #expect(records.count == 3)
        #expect(records[0].suffix(15) == [0x1A, 13] + Array("brain.Event:2".utf8))
        var one = TensorBoardEvent(wallTime: 0, step: 1, scalars: [
            (tag: "loss", value: 0.5), (tag: "accuracy", value: 0.75), (tag: "val_loss", value: 0.625),
            (tag: "val_accuracy", value: 0.5), (tag: "lr", value: 0.01)]).encoded
        var two = TensorBoardEvent(wallTime: 0, step: 2, scalars: [(tag: "loss", value: 0.25), (tag: "mse", value: 2)]).encoded
        // Everything after the wall time (9 bytes) is fixed.
        one.removeFirst(9)
        two.removeFirst(9)
        #expect(Array(records[1].dropFirst(9)) == one)
        #expect(Array(records[2].dropFirst(9)) == two)
        // A damaged record is caught by the framing check.
        var flipped = bytes
        flipped[bytes.count - 6] ^= 1
        #expect(Self.records(flipped) == nil)
    }

    @Test func aFileWhereTheFolderShouldBeIsRefused() throws {
        let dir = TemporaryDirectory()
        dir.write("runs", text: "not a folder")
        #expect(throws: TensorBoardLog.Failure.self) { try TensorBoardLog(folder: dir.file("runs/exp1")) }
        do { _ = try TensorBoardLog(folder: dir.file("runs/exp1")) } catch {
            #expect(error.description.hasPrefix(dir.file("runs/exp1") + ": ") && error.description.hasSuffix("/runs is not a folder"),
                    "\(error)")
        }
    }
}
