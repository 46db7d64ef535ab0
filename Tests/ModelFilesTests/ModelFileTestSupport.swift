import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles
#if canImport(Glibc)
import Glibc
#endif

/// Shared helpers for the ModelFile*Tests: small models with every field filled, and
/// temporary folders.
enum ModelFileFixtures {
    /// A 3 -> 4 -> 2 model with random weights, preprocessing, optimiser state (2 slots),
    /// generator state and provenance: every record of the format is present.
    static func fullModel<T: Scalar>(_: T.Type = T.self, seed: UInt64 = 1) -> SavedModel<T> {
        var g = RandomGenerator(seed: seed)
        let architecture = Architecture(inputWidth: 3, layers: [
            LayerSpec(width: 4, activation: "leaky_relu", alpha: 0.01),
            LayerSpec(width: 2, activation: "softmax"),
        ], cost: "cross_entropy")
        func tensors() -> [Matrix<T>] {
            architecture.parameterShapes.map { shape in
                Matrix(rows: shape.rows, columns: shape.columns,
                       storage: (0 ..< shape.rows * shape.columns).map { _ in T(g.nextGaussian()) })
            }
        }
        var generator = RandomGenerator(seed: seed &+ 100)
        _ = generator.nextGaussian()   // leaves a spare Gaussian in the state
        let header = ModelHeader(
            precision: Precision(T.self), architecture: architecture,
            preprocessing: Preprocessing(inputMeans: [0.5, -1, 2], inputStds: [1, 0.25, 3],
                                         image: ImageGeometry(width: 3, height: 1, channels: 1),
                                         classLabels: ["cat", "dög"]),
            optimizer: OptimizerRecord(name: "adam", step: 17, slots: 2, hyperparameters: [
                NamedNumber("lr", 0.001), NamedNumber("beta1", 0.9), NamedNumber("beta2", 0.999)]),
            generator: generator,
            history: TrainingHistory(epochs: [
                EpochRecord(epoch: 1, trainingLoss: 0.9, trainingMetric: 0.5, validationLoss: 0.95, validationMetric: nil,
                            metric: .accuracy, samples: 100, seconds: 0.25, complete: true),
                EpochRecord(epoch: 2, trainingLoss: 0.4, trainingMetric: 0.75, validationLoss: nil, validationMetric: nil,
                            metric: .accuracy, samples: 60, seconds: 0.125, complete: false)]),
            provenance: Provenance(nnshVersion: "0.1.0", date: 1_700_000_000, seed: seed,
                                   trainingOptions: [NamedText("epochs", "3"), NamedText("batch", "8")],
                                   metrics: [NamedNumber("loss", 0.25), NamedNumber("accuracy", 0.9)],
                                   trainingDataSHA256: SHA256.hash([1, 2, 3]),
                                   commands: ["net = network 3 -> 4 leaky_relu -> 2 softmax", "train net data"]))
        return SavedModel(header: header, parameters: tensors(), moments: [tensors(), tensors()])
    }

    /// A model with no optional records: a 2 -> 1 linear network.
    static func minimalModel() -> SavedModel<Float> {
        let header = ModelHeader(precision: .float32,
                                 architecture: Architecture(inputWidth: 2, layers: [LayerSpec(width: 1, activation: "linear")],
                                                            cost: "mse"))
        return SavedModel(header: header, parameters: [Matrix([[0.5], [-2]]), Matrix([[0.25]])])
    }
}

/// A fresh folder under /tmp, removed with its files when `body` returns.
func withTemporaryFolder<R>(_ body: (String) throws -> R) rethrows -> R {
    var template = Array("/tmp/nnsh-modelfile-XXXXXX".utf8CString)
    let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    defer {
        if let dir = opendir(folder) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { unlink("\(folder)/\(name)") }
            }
            closedir(dir)
        }
        rmdir(folder)
    }
    return try body(folder)
}

/// The names in `folder`, without "." and "..".
func folderListing(_ folder: String) -> [String] {
    guard let dir = opendir(folder) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

/// Runs `body`, which must throw a ModelFileError, and returns it.
func expectModelFileError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ModelFileError? {
    do {
        try body()
        Issue.record("expected a ModelFileError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as ModelFileError {
        return error
    } catch {
        Issue.record("expected a ModelFileError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
