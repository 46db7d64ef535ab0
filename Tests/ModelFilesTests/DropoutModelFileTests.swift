import Testing
import Engine
import EngineTestSupport
@testable import ModelFiles

/// Dropout layers in model files: the `drop` record of nnsh's format and safetensors' metadata.
@Suite struct DropoutModelFileTests {
    /// The rates survive the model file (format 1.1, `drop` record); a file without dropout
    /// stays format 1.0, so older nnsh versions read it as before.
    @Test func roundTripThroughTheModelFile() throws {
        let net = try droppedNetwork()
        let bytes = try ModelFile.encode(SavedModel(network: net))
        #expect(bytes[10] == 1)
        #expect(bytes.indices.contains { Array(bytes[$0 ..< min($0 + 4, bytes.count)]) == Array("drop".utf8) })
        guard case .float64(let decoded) = try ModelFile.decode(bytes) else {
            Issue.record("expected a float64 model")
            return
        }
        let loaded = try decoded.makeNetwork()
        #expect(loaded.layers == net.layers)
        #expect(loaded.description == net.description)

        let plain = try makeNetwork([4, 6, 3], hidden: .tanh, output: .softmax) as Network<Double>
        let plainBytes = try ModelFile.encode(SavedModel(network: plain))
        #expect(plainBytes[10] == 0)
        #expect(!plainBytes.indices.contains { Array(plainBytes[$0 ..< min($0 + 4, plainBytes.count)]) == Array("drop".utf8) })
    }

    /// safetensors: dropout adds no tensors, only the `nnsh.dropout` metadata, and comes back.
    @Test func safetensorsExportKeepsTheRatesInMetadata() throws {
        let net = try droppedNetwork()
        let file = SafeTensorsFile(network: .double(net))
        #expect(file.tensors.map(\.name).sorted() == ["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight"])
        #expect(file.metadata.first { $0.name == "nnsh.dropout" }?.value == "[0.3,0.5]")
        let loaded = try SafeTensorsFile.decode(file.encode()).network()
        guard case .double(let back) = loaded.network else {
            Issue.record("expected float64")
            return
        }
        #expect(back.layers.map(\.inputDropout) == [0.3, 0.5])
        #expect(loaded.header.architecture.layers.map(\.inputDropout) == [0.3, 0.5])
        let plain = SafeTensorsFile(network: .double(try makeNetwork([4, 6, 3], hidden: .tanh, output: .softmax)))
        #expect(!plain.metadata.contains { $0.name == "nnsh.dropout" })
    }

    /// A `drop` record with a rate of 1 or the wrong number of rates is refused by name.
    @Test func damagedDropoutRecordsAreRefused() throws {
        let bytes = try ModelFile.encode(SavedModel(network: try droppedNetwork()))
        guard let at = bytes.indices.first(where: { Array(bytes[$0 ..< min($0 + 4, bytes.count)]) == Array("drop".utf8) }) else {
            Issue.record("no drop record")
            return
        }
        // Payload: u64 count at at+12, then the rates at at+20 and at+28.
        var badRate = bytes
        let one = (1.0).bitPattern
        for i in 0..<8 { badRate[at + 28 + i] = UInt8(truncatingIfNeeded: one >> (8 * i)) }
        let e = ModelFileFormatTests.refusal(ModelFileFormatTests.resealed(badRate))
        #expect(e?.message == "layer 2: a dropout rate must be at least 0 and below 1, got 1.0")
        var badCount = bytes
        badCount[at + 12] = 1   // one rate for two layers: the second rate is then extra bytes
        #expect(ModelFileFormatTests.refusal(ModelFileFormatTests.resealed(badCount)) != nil)
    }
}
