/// What the trainer and evaluators read examples from. The Data layer's datasets conform;
/// so does `MatrixData` for in-memory matrices.
///
/// Examples are converted to the network's precision one batch at a time (`fillBatch`), so a
/// dataset can keep compact storage (MNIST pixels stay bytes) until a batch needs floats.
public protocol TrainingData {
    /// Number of examples.
    var count: Int { get }
    /// Features per example (the network's input width).
    var inputWidth: Int { get }
    /// Target values per example: the number of classes for one-hot class targets,
    /// the number of outputs for regression.
    var targetWidth: Int { get }
    /// The class index of example `i`, or nil for regression data.
    func classLabel(_ i: Int) -> Int?
    /// Writes the examples `indices` as consecutive rows: `inputs` gets
    /// `indices.count × inputWidth` values, `targets` gets `indices.count × targetWidth`
    /// (one-hot for class data).
    func fillBatch<T: Scalar>(
        _ indices: UnsafeBufferPointer<Int>,
        inputs: UnsafeMutablePointer<T>, targets: UnsafeMutablePointer<T>)
}

extension TrainingData {
    public var isClassification: Bool { count > 0 && classLabel(0) != nil }
}

/// Examples held as two matrices of the engine's types: `inputs` (count × inputWidth) and
/// `targets` (count × targetWidth). If `labels` is given, the data is a classification set.
public struct MatrixData<S: Scalar>: TrainingData, Sendable {
    public var inputs: Matrix<S>
    public var targets: Matrix<S>
    public var labels: [Int]?

    public init(inputs: Matrix<S>, targets: Matrix<S>, labels: [Int]? = nil) {
        precondition(inputs.rows == targets.rows, "inputs and targets differ in count")
        precondition(labels == nil || labels!.count == inputs.rows, "labels differ in count")
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }

    /// Class data: targets are the one-hot encoding of `labels` over `classes` classes.
    public init(inputs: Matrix<S>, labels: [Int], classes: Int) {
        var t = Matrix<S>(rows: labels.count, columns: classes)
        for (i, l) in labels.enumerated() { t[i, l] = 1 }
        self.init(inputs: inputs, targets: t, labels: labels)
    }

    public var count: Int { inputs.rows }
    public var inputWidth: Int { inputs.columns }
    public var targetWidth: Int { targets.columns }
    public func classLabel(_ i: Int) -> Int? { labels?[i] }

    public func fillBatch<T: Scalar>(
        _ indices: UnsafeBufferPointer<Int>,
        inputs x: UnsafeMutablePointer<T>, targets y: UnsafeMutablePointer<T>
    ) {
        Self.gatherRows(inputs.storage, width: inputWidth, indices, into: x)
        Self.gatherRows(targets.storage, width: targetWidth, indices, into: y)
    }

    /// Copies rows `indices` of a row-major `source` (rows of `width`) to consecutive rows of
    /// `out`, converting precision (`Scalar.convert`: a copy per row when the types agree).
    private static func gatherRows<T: Scalar>(
        _ source: [S], width: Int, _ indices: UnsafeBufferPointer<Int>, into out: UnsafeMutablePointer<T>
    ) {
        guard width > 0 else { return }
        source.withUnsafeBufferPointer { src in
            let base = src.baseAddress!
            for (row, i) in indices.enumerated() {
                S.convert(base + i * width, into: out + row * width, count: width)
            }
        }
    }
}
