import Engine

/// A set of examples: one row of `inputWidth` features per example, plus class labels or
/// regression targets. It is the `TrainingData` the trainer reads batches from.
///
/// Features are stored compactly (`FeatureStorage`): MNIST pixels stay bytes and become
/// numbers in [0, 1] only when `fillBatch` writes a batch; CSV and Runge features are Float or
/// Double. Every per-example array (features, labels or targets, true targets, raw inputs)
/// follows the examples through `subset`, `shuffled`, `split` and the other transforms.
///
///     var rng = RandomGenerator(seed: 1993)
///     let mnist = try MNIST.load(directory: "Data/mnist")
///     let (train, test) = try mnist.train.split(trainFraction: 0.8, using: &rng)
///     let scaling = FeatureScaling.standardization(fittedOn: train)
///     let trainZ = try scaling.apply(to: train), testZ = try scaling.apply(to: test)
public struct Dataset: TrainingData, Sendable {
    /// A short name used in summaries ("mnist-train", "runge", the CSV file's name).
    public var name: String
    /// `count × inputWidth` feature values, row-major.
    public internal(set) var features: FeatureStorage
    public internal(set) var count: Int
    public internal(set) var inputWidth: Int
    /// Class labels, regression targets, or nothing (data only to be predicted).
    public internal(set) var targets: Targets
    /// Names of the classes (index = class), when known: Fashion-MNIST's "Trouser", a CSV's
    /// string labels. Nil means the class index is its own name.
    public var classNames: [String]?
    /// Set when each example is a grayscale image of `rows × columns` pixels stored row by
    /// row, so it can be drawn (`TerminalImage`).
    public var imageShape: ImageShape?
    /// The shape of one example as a network takes it (`Network(inputShape:)`): images are
    /// 1×rows×columns (one channel: datasets hold grayscale images), anything else a flat
    /// vector of `inputWidth` values.
    public var exampleShape: Shape {
        imageShape.map { Shape([1, $0.rows, $0.columns]) } ?? Shape(inputWidth)
    }
    /// For synthetic regression sets (Runge): the noiseless targets f(x), `count × targetWidth`.
    public internal(set) var trueTargets: Matrix<Double>?
    /// For one-dimensional synthetic sets (Runge): each example's original x, untouched by
    /// feature transforms (polynomial features, standardisation), for plotting against f(x).
    public internal(set) var rawInput: [Double]?

    /// Checks that every array agrees with `count` and `inputWidth`.
    public init(
        name: String, features: FeatureStorage, inputWidth: Int, targets: Targets,
        classNames: [String]? = nil, imageShape: ImageShape? = nil,
        trueTargets: Matrix<Double>? = nil, rawInput: [Double]? = nil
    ) throws(DataError) {
        func fail(_ message: String) -> DataError { DataError(.invalidArgument, file: name, message) }
        guard inputWidth > 0 else { throw fail("a dataset needs at least one feature") }
        guard features.count % inputWidth == 0 else {
            throw fail("\(features.count) feature values do not fill rows of \(inputWidth)")
        }
        let count = features.count / inputWidth
        switch targets {
        case .none: break
        case .classes(let labels, let classCount):
            guard labels.count == count else {
                throw fail("\(labels.count) labels for \(count) examples")
            }
            guard classCount > 0 else { throw fail("a class dataset needs at least one class") }
            if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
                throw fail("label \(labels[bad]) of example \(bad) is not a class 0..<\(classCount)")
            }
            if let classNames, classNames.count != classCount {
                throw fail("\(classNames.count) class names for \(classCount) classes")
            }
        case .values(let m):
            guard m.rows == count, m.columns > 0 else {
                throw fail("a \(m.rows)×\(m.columns) target matrix for \(count) examples")
            }
        }
        if let imageShape, imageShape.pixelCount != inputWidth {
            throw fail("images of \(imageShape) do not match \(inputWidth) features")
        }
        if let trueTargets, trueTargets.rows != count || trueTargets.columns != targets.width {
            throw fail("true targets are \(trueTargets.rows)×\(trueTargets.columns), "
                       + "expected \(count)×\(targets.width)")
        }
        if let rawInput, rawInput.count != count {
            throw fail("\(rawInput.count) raw inputs for \(count) examples")
        }
        self.name = name
        self.features = features
        self.count = count
        self.inputWidth = inputWidth
        self.targets = targets
        self.classNames = classNames
        self.imageShape = imageShape
        self.trueTargets = trueTargets
        self.rawInput = rawInput
    }

    // MARK: - TrainingData

    /// The number of classes for class data, the number of target columns for regression,
    /// 0 when there are no targets.
    public var targetWidth: Int { targets.width }

    public func classLabel(_ i: Int) -> Int? {
        if case .classes(let labels, _) = targets { return labels[i] }
        return nil
    }

    /// Writes the examples `indices` as consecutive rows of `inputs` (`indices.count ×
    /// inputWidth`) and `targets` (`indices.count × targetWidth`, one-hot for class data).
    /// Pixel bytes become byte/255.
    ///
    /// Specialised for Float and Double (called from the engine, a generic function runs
    /// unspecialised, and per-element generic conversions cost ~10× more; Engine's Scalar.swift,
    /// "One way across precisions").
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func fillBatch<T: Scalar>(
        _ indices: UnsafeBufferPointer<Int>,
        inputs x: UnsafeMutablePointer<T>, targets y: UnsafeMutablePointer<T>
    ) {
        let width = inputWidth
        // Index loops, not `enumerated()`: this runs once per batch, and the training loop
        // allocates nothing after its first batch (the generic iterators do in debug builds).
        switch features {
        case .pixels(let bytes):
            // byte → byte/255, 8 at a time (ByteScale.convert).
            ByteScale.withTable(of: T.self) { scale in
                bytes.withUnsafeBufferPointer { src in
                    guard let src = src.baseAddress else { return }
                    for row in 0..<indices.count {
                        ByteScale.convert(src + indices[row] * width, count: width,
                                          into: x + row * width, table: scale)
                    }
                }
            }
        case .float(let values):
            values.withUnsafeBufferPointer { src in
                for row in 0..<indices.count {
                    let from = indices[row] * width, to = row * width
                    for c in 0..<width { x[to + c] = T(src[from + c]) }
                }
            }
        case .double(let values):
            values.withUnsafeBufferPointer { src in
                for row in 0..<indices.count {
                    let from = indices[row] * width, to = row * width
                    for c in 0..<width { x[to + c] = T(src[from + c]) }
                }
            }
        }
        switch self.targets {
        case .none:
            break
        case .classes(let labels, let classCount):
            for row in 0..<indices.count {
                let start = row * classCount
                for c in 0..<classCount { y[start + c] = 0 }
                y[start + labels[indices[row]]] = 1
            }
        case .values(let m):
            let tw = m.columns
            m.storage.withUnsafeBufferPointer { src in
                for row in 0..<indices.count {
                    let i = indices[row]
                    for c in 0..<tw { y[row * tw + c] = T(src[i * tw + c]) }
                }
            }
        }
    }

    // MARK: - Reading values

    /// Feature `j` of example `i` as a number (pixels as byte/255).
    public func feature(_ i: Int, _ j: Int) -> Double { features.value(at: i * inputWidth + j) }

    /// The features of example `i`.
    public func featureRow(_ i: Int) -> [Double] {
        var row = [Double](repeating: 0, count: inputWidth)
        features.copyRow(i, width: inputWidth, into: &row)
        return row
    }

    /// All features as a `count × inputWidth` matrix.
    public func featureMatrix<T: Scalar>(_ type: T.Type = T.self) -> Matrix<T> {
        var m = Matrix<T>(rows: count, columns: inputWidth)
        guard count > 0 else { return m }
        let all = Array(0..<count)
        var unusedTargets = [T](repeating: 0, count: max(1, count * targetWidth))
        m.storage.withUnsafeMutableBufferPointer { x in
            unusedTargets.withUnsafeMutableBufferPointer { y in
                all.withUnsafeBufferPointer { fillBatch($0, inputs: x.baseAddress!, targets: y.baseAddress!) }
            }
        }
        return m
    }

    /// All targets as a `count × targetWidth` matrix (one-hot rows for class data).
    public func targetMatrix<T: Scalar>(_ type: T.Type = T.self) -> Matrix<T> {
        switch targets {
        case .none: return Matrix(rows: count, columns: 0)
        case .classes(let labels, let classCount): return OneHot.encode(labels, classCount: classCount)
        case .values(let m): return m.converted(to: T.self)
        }
    }

    /// The class label of every example, or nil for regression data.
    public var labels: [Int]? {
        if case .classes(let labels, _) = targets { return labels }
        return nil
    }

    /// The number of classes, or nil for regression data.
    public var classCount: Int? {
        if case .classes(_, let classCount) = targets { return classCount }
        return nil
    }

    /// The name of class `c`: its entry in `classNames`, else the number.
    public func className(_ c: Int) -> String {
        if let classNames, classNames.indices.contains(c) { return classNames[c] }
        return String(c)
    }

    /// The name of class `c` made safe to print (control characters from the file escaped:
    /// `PrintableText`); `className` is the name itself, for matching and writing files.
    public func printableClassName(_ c: Int) -> String { PrintableText.escaping(className(c)) }

    /// Example `i` as image pixels (row-major `imageShape`), or nil when the data are not images.
    public func image(_ i: Int) -> [Float]? {
        guard imageShape != nil else { return nil }
        return (0..<inputWidth).map { Float(features.value(at: i * inputWidth + $0)) }
    }

    /// One line for listings, e.g. `mnist-train: 60000 examples × 784 features (28×28 images,
    /// bytes), 10 classes`.
    public var summary: String {
        var s = "\(name): \(counted(count, "example")) × \(counted(inputWidth, "feature")) ("
        if let imageShape { s += "\(imageShape) images, " }
        s += features.precisionName + ")"
        switch targets {
        case .none: s += ", no targets"
        case .classes(_, let k): s += ", \(k) classes"
        case .values(let m): s += m.columns == 1 ? ", 1 regression target" : ", \(m.columns) regression targets"
        }
        if trueTargets != nil { s += " (noiseless targets kept)" }
        return s
    }
}

extension Dataset: CustomStringConvertible {
    public var description: String { summary }
}

/// How a dataset's features are held in memory.
public enum FeatureStorage: Sendable, Equatable {
    /// Pixel bytes; the feature value is byte/255, in [0, 1]. One byte per value.
    case pixels([UInt8])
    case float([Float])
    case double([Double])

    public var count: Int {
        switch self {
        case .pixels(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        }
    }

    /// "bytes", "float32" or "float64".
    public var precisionName: String {
        switch self {
        case .pixels: "bytes"
        case .float: Float.precisionName
        case .double: Double.precisionName
        }
    }

    /// The value at flat position `k` (pixels as byte/255).
    @inlinable
    public func value(at k: Int) -> Double {
        switch self {
        case .pixels(let v): Double(v[k]) / 255
        case .float(let v): Double(v[k])
        case .double(let v): v[k]
        }
    }

    /// Row `i` (of rows `width` long) as numbers, written into `row` (which must hold `width`).
    /// One switch per row rather than per value: the fast way to scan all features.
    func copyRow(_ i: Int, width: Int, into row: inout [Double]) {
        let start = i * width
        switch self {
        case .pixels(let v): for j in 0..<width { row[j] = Double(v[start + j]) / 255 }
        case .float(let v): for j in 0..<width { row[j] = Double(v[start + j]) }
        case .double(let v): for j in 0..<width { row[j] = v[start + j] }
        }
    }

    /// The rows `rows` (each `width` long), in that order, in the same storage kind.
    func gathered(rows: [Int], width: Int) -> FeatureStorage {
        func gather<E>(_ v: [E]) -> [E] {
            var out = [E]()
            out.reserveCapacity(rows.count * width)
            for r in rows { out.append(contentsOf: v[r * width ..< (r + 1) * width]) }
            return out
        }
        switch self {
        case .pixels(let v): return .pixels(gather(v))
        case .float(let v): return .float(gather(v))
        case .double(let v): return .double(gather(v))
        }
    }
}

/// What a dataset predicts.
public enum Targets: Sendable, Equatable {
    /// No targets: data to be predicted only (a drawn digit).
    case none
    /// One class index per example, each in `0..<classCount`.
    case classes(labels: [Int], classCount: Int)
    /// Regression targets, `count × width`.
    case values(Matrix<Double>)

    /// Values per example as the trainer sees them (one-hot width for classes).
    public var width: Int {
        switch self {
        case .none: 0
        case .classes(_, let k): k
        case .values(let m): m.columns
        }
    }

    func gathered(rows: [Int]) -> Targets {
        switch self {
        case .none: return .none
        case .classes(let labels, let k): return .classes(labels: rows.map { labels[$0] }, classCount: k)
        case .values(let m): return .values(m.gatheredRows(rows))
        }
    }
}

/// The size of one grayscale image, `rows × columns` pixels.
public struct ImageShape: Sendable, Equatable, CustomStringConvertible {
    public var rows: Int
    public var columns: Int
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }
    public var pixelCount: Int { rows * columns }
    public var description: String { "\(rows)×\(columns)" }
}

extension Matrix {
    /// A new matrix of the given rows, in that order.
    func gatheredRows(_ rows: [Int]) -> Matrix {
        var out = [T]()
        out.reserveCapacity(rows.count * columns)
        for r in rows { out.append(contentsOf: storage[r * columns ..< (r + 1) * columns]) }
        return Matrix(rows: rows.count, columns: columns, storage: out)
    }
}
