import Engine
import Synchronization
/// What a model file holds besides the numbers: the values `ModelFile` writes into the
/// header section (docs/FORMAT.md). Plain data, independent of the engine's `Network`, so
/// the format can be read and tested on its own.


/// One dense layer: `out[batch, width] = activation(x·W + b)`, where `alpha` is the
/// activation's parameter (leaky ReLU slope, ELU scale; 0 when it has none), and the rate of
/// the dropout layer in front of it (0: none; stored in the optional `drop` record).
public struct LayerSpec: Equatable, Sendable {
    public var width: Int
    public var activation: String
    public var alpha: Double
    public var inputDropout: Double

    public init(width: Int, activation: String, alpha: Double = 0, inputDropout: Double = 0) {
        self.width = width
        self.activation = activation
        self.alpha = alpha
        self.inputDropout = inputDropout
    }
}

/// The shape of a network: the shape of its input, every layer of its stack as a record
/// (`LayerRecord`, read and written through `LayerEntries`), and the cost it trains on.
public struct Architecture: Equatable, Sendable {
    /// One example going in: `Shape(784)`, `Shape([1, 28, 28])`.
    public var inputShape: Shape
    /// Every layer, input side first.
    public var stack: [LayerRecord]
    public var cost: String
    /// False when the cost is the output activation's default rather than chosen.
    public var costIsExplicit: Bool

    public init(inputShape: Shape, stack: [LayerRecord], cost: String, costIsExplicit: Bool = true) {
        self.inputShape = inputShape
        self.stack = stack
        self.cost = cost
        self.costIsExplicit = costIsExplicit
    }

    /// A network of dense layers, each with the dropout layer in front of it (`inputDropout`).
    public init(inputWidth: Int, layers: [LayerSpec], cost: String, costIsExplicit: Bool = true) {
        self.init(inputShape: Shape(inputWidth), stack: [], cost: cost, costIsExplicit: costIsExplicit)
        self.layers = layers
    }

    /// Values per example going in.
    public var inputWidth: Int {
        get { inputShape.checkedCount ?? 0 }
        set { inputShape = Shape(newValue) }
    }

    /// The dense layers, each with the rate of the dropout layer in front of it (the view of
    /// format 1, which holds nothing else; setting it rebuilds the stack from dense and dropout
    /// layers).
    public var layers: [LayerSpec] {
        get {
            var specs: [LayerSpec] = []
            var rate = 0.0
            for r in stack {
                if r.kind == DropoutEntry.kind { rate = r.number("rate") ?? 0; continue }
                guard r.kind == DenseEntry.kind else { continue }
                specs.append(LayerSpec(width: r.size("width") ?? 0, activation: r.text("activation") ?? "",
                                       alpha: r.number("alpha") ?? 0, inputDropout: rate))
                rate = 0
            }
            return specs
        }
        set {
            stack = newValue.flatMap { spec -> [LayerRecord] in
                let dense = LayerRecord(kind: DenseEntry.kind, settings: [
                    .init("width", .size(spec.width)), .init("activation", .text(spec.activation)), .init("alpha", .number(spec.alpha))])
                return spec.inputDropout == 0 ? [dense]
                    : [LayerRecord(kind: DropoutEntry.kind, settings: [.init("rate", .number(spec.inputDropout))]), dense]
            }
        }
    }

    /// True when format 1 holds it: dense layers, and dropout layers each right in front of a
    /// dense one. (Format 1 keeps the input's width, not its shape: a dense network made from
    /// images is read back with a flat input, as earlier versions wrote it.)
    var isDenseOnly: Bool {
        for (s, r) in stack.enumerated() {
            if r.kind == DenseEntry.kind { continue }
            guard r.kind == DropoutEntry.kind, s + 1 < stack.count, stack[s + 1].kind == DenseEntry.kind else { return false }
        }
        return true
    }

    /// Values per example coming out (the input width when there are no layers, 0 when the
    /// records do not fit together).
    public var outputWidth: Int {
        guard !stack.isEmpty else { return inputWidth }
        return (try? layerShapes())?.last?.output.checkedCount ?? 0
    }

    /// True when the stack has a dropout layer.
    public var hasDropout: Bool { stack.contains { $0.kind == DropoutEntry.kind } }

    /// Shapes of the parameter tensors in file order (each layer's, in stack order), as the data
    /// section holds them (`Shape.matrixShape`): dense weights `[inputs, outputs]` and biases
    /// `[1, outputs]`, conv weights `[filters, channels·k·k]`; empty when the records do not
    /// fit together.
    public var parameterShapes: [(rows: Int, columns: Int)] {
        ((try? layerShapes()) ?? []).flatMap { $0.parameters.map(\.matrixShape) }
    }

    /// Test support: counts the shapes `layerShapes` computes, in the current task (so a
    /// test can tell linear work from quadratic without a clock).
    @TaskLocal static var shapesComputed: ShapeCount?
    final class ShapeCount: Sendable { let shapes = Atomic<Int>(0) }

    /// Total number of weights and biases.
    public var parameterCount: Int {
        ((try? layerShapes()) ?? []).reduce(0) { $0 + $1.parameters.reduce(0) { $0 + ($1.checkedCount ?? 0) } }
    }
}

/// Width × height × channels of image inputs (pixels in row-major order, channels last).
public struct ImageGeometry: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int

    public init(width: Int, height: Int, channels: Int = 1) {
        self.width = width
        self.height = height
        self.channels = channels
    }
}

/// What the model expects done to raw inputs, and what its outputs mean.
public struct Preprocessing: Equatable, Sendable {
    /// Standardisation `x' = (x - mean) / std`, per input column; both empty when not used.
    public var inputMeans: [Double]
    public var inputStds: [Double]
    /// The image shape inputs were flattened from, if they are images.
    public var image: ImageGeometry?
    /// One name per output class, or empty.
    public var classLabels: [String]

    public init(inputMeans: [Double] = [], inputStds: [Double] = [],
                image: ImageGeometry? = nil, classLabels: [String] = []) {
        self.inputMeans = inputMeans
        self.inputStds = inputStds
        self.image = image
        self.classLabels = classLabels
    }

    public var isEmpty: Bool { self == Preprocessing() }
}

/// A named number (optimiser hyperparameter, final metric).
public struct NamedNumber: Equatable, Sendable {
    public var name: String
    public var value: Double
    public init(_ name: String, _ value: Double) { self.name = name; self.value = value }
}

/// A named piece of text (training option).
public struct NamedText: Equatable, Sendable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// The optimiser's scalar state; its per-parameter moment tensors travel with the weights
/// (`SavedModel.moments`). `slots` is the number of moment tensors per parameter
/// (SGD 0, momentum 1, Adam 2).
public struct OptimizerRecord: Equatable, Sendable {
    public var name: String
    public var step: UInt64
    public var slots: Int
    public var hyperparameters: [NamedNumber]

    public init(name: String, step: UInt64, slots: Int, hyperparameters: [NamedNumber] = []) {
        self.name = name
        self.step = step
        self.slots = slots
        self.hyperparameters = hyperparameters
    }
}

/// Where a model came from.
public struct Provenance: Equatable, Sendable {
    public var nnshVersion: String
    /// Seconds since 1970-01-01 00:00:00 UTC.
    public var date: Int64
    public var seed: UInt64?
    public var trainingOptions: [NamedText]
    public var metrics: [NamedNumber]
    /// SHA-256 of the training data (`SHA256.digest(of:)`), 32 bytes, if known.
    public var trainingDataSHA256: [UInt8]?
    /// The commands that built and trained the network, in order.
    public var commands: [String]

    public init(nnshVersion: String = NNSHVersion.string, date: Int64 = 0, seed: UInt64? = nil,
                trainingOptions: [NamedText] = [], metrics: [NamedNumber] = [],
                trainingDataSHA256: [UInt8]? = nil, commands: [String] = []) {
        self.nnshVersion = nnshVersion
        self.date = date
        self.seed = seed
        self.trainingOptions = trainingOptions
        self.metrics = metrics
        self.trainingDataSHA256 = trainingDataSHA256
        self.commands = commands
    }
}

extension Provenance {
    /// The figures of the last epoch in `history`, named for `info`: `training_loss`,
    /// `training_accuracy` (or `training_mse`), and the validation ones when measured.
    public static func finalMetrics(of history: TrainingHistory) -> [NamedNumber] {
        guard let last = history.last else { return [] }
        var out = [NamedNumber("training_loss", last.trainingLoss),
                   NamedNumber("training_\(last.metric.rawValue)", last.trainingMetric)]
        if let v = last.validationLoss { out.append(NamedNumber("validation_loss", v)) }
        if let v = last.validationMetric { out.append(NamedNumber("validation_\(last.metric.rawValue)", v)) }
        return out
    }
}

/// Everything in a model file except its tensors.
public struct ModelHeader: Equatable, Sendable {
    public var precision: Precision
    public var architecture: Architecture
    public var preprocessing: Preprocessing
    public var optimizer: OptimizerRecord?
    public var generator: RandomGenerator?
    /// Every epoch trained so far (loss curves survive a save and load).
    public var history: TrainingHistory
    public var provenance: Provenance

    public init(precision: Precision, architecture: Architecture,
                preprocessing: Preprocessing = Preprocessing(), optimizer: OptimizerRecord? = nil,
                generator: RandomGenerator? = nil, history: TrainingHistory = TrainingHistory(),
                provenance: Provenance = Provenance()) {
        self.precision = precision
        self.architecture = architecture
        self.preprocessing = preprocessing
        self.optimizer = optimizer
        self.generator = generator
        self.history = history
        self.provenance = provenance
    }
}

/// A whole model file in memory: the header and the tensors in the precision `T`.
///
/// `parameters` follow `architecture.parameterShapes` (W0 `[in, out]`, b0 `[1, out]`, W1, …);
/// `moments[s]` is the optimiser's slot `s` (Adam: 0 = first moment, 1 = second), with the
/// same shapes, present only when `header.optimizer` is; `states` the layers' state tensors.
public struct SavedModel<T: Scalar>: Equatable, Sendable {
    public var header: ModelHeader
    public var parameters: [Matrix<T>]
    public var moments: [[Matrix<T>]]
    /// The layers' state tensors (batch normalisation's running statistics) in stack order,
    /// each layer's in its `stateShapes` order (`Architecture.statePlaces`).
    public var states: [Matrix<T>]

    public init(header: ModelHeader, parameters: [Matrix<T>], moments: [[Matrix<T>]] = [], states: [Matrix<T>] = []) {
        self.header = header
        self.header.precision = Precision(T.self)
        self.parameters = parameters
        self.moments = moments
        self.states = states
    }
}

/// A model read from a file, in whichever precision it was saved.
public enum LoadedModel: Equatable, Sendable {
    case float32(SavedModel<Float>)
    case float64(SavedModel<Double>)

    public var header: ModelHeader {
        switch self {
        case .float32(let m): m.header
        case .float64(let m): m.header
        }
    }
}
