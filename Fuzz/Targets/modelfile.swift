// libFuzzer target: nnsh model files (`load`, `info`), decoded and then used. Input: the bytes
// of a model file. The file's trailing CRC-32 is recomputed first, so mutations reach the
// records and tensors instead of stopping at the checksum (its mismatch message is covered by
// the unit tests).
//
// What decodes is then used as a person would: `info`, `load`, `summary`, printing the network
// and its history, saving it again, and one training step from its own optimiser state (the
// step count, moments and settings the file carries). Each use runs on its own, so one that is
// refused does not hide the next.
// Built and run by Scripts/fuzz.sh modelfile SECONDS.
import Foundation
@testable import Engine
@testable import ModelFiles
@testable import Shell

/// The uses, one statement each, in the order a person would try them.
private let uses = [
    #"info "f.nnm""#,
    #"m = load "f.nnm""#,
    "summary m",
    "print m",
    "print m.history",
    "print m.history.loss",
    #"save m "copy.nnm""#,
    #"n = load "copy.nnm""#,
]

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
    guard let model = try? ModelFile.decode(bytes), let loaded = try? ModelFile.network(from: model) else { return 0 }
    resetSandbox()
    writeSandboxFile("f.nnm", bytes)
    runEach(uses)
    trainOneStep(loaded.network)
    return 0
}

/// One step on four made-up examples, with the optimiser (and its saved state) the file names.
private func trainOneStep(_ net: AnyNetwork) {
    let inputs = net.inputWidth, outputs = net.outputWidth
    guard inputs > 0, outputs > 0, inputs * 4 <= 1 << 16, outputs * 4 <= 1 << 16, net.parameterCount <= 1 << 16 else { return }
    var g = RandomGenerator(seed: 1)
    let x = Matrix<Double>(rows: 4, columns: inputs, storage: (0..<(4 * inputs)).map { _ in g.nextUniform() })
    let data: MatrixData<Double>
    if net.cost == .crossEntropy || outputs > 1 && net.layers.last?.activation == .softmax {
        data = MatrixData(inputs: x, labels: (0..<4).map { $0 % outputs }, classes: outputs)
    } else {
        data = MatrixData(inputs: x, targets: Matrix(rows: 4, columns: outputs,
                                                      storage: (0..<(4 * outputs)).map { _ in g.nextUniform() }))
    }
    let settings = net.optimizerSummary?.settings ?? .adam
    let options = TrainingOptions(epochs: 1, batchSize: 4, optimizer: settings)
    _ = try? MemoryLimit.$scopedBytes.withValue(fuzzMemoryCeiling) {
        try net.train(on: data, options: options, generator: &g)
    }
}
