import Engine

extension Dataset {
    /// The examples of `self` followed by those of `other`, e.g. MNIST's 60,000 training and
    /// 10,000 test images as one set of 70,000, to split afresh (`split` keeps the class
    /// proportions).
    ///
    /// The two must have the same input width and the same kind of targets: both class labels
    /// (with the same class names, when either has names; without names the class count is the
    /// larger of the two), both regression targets of the same width, or both none. Features
    /// stay in their storage when both use the same one (pixel bytes stay bytes); otherwise
    /// both become float64 when either is, else float32. The image shape, noiseless targets and
    /// raw inputs are kept when both have them (and the shapes agree).
    ///
    ///     let all = try mnist.train.concatenated(with: mnist.test)   // 70000 examples
    public func concatenated(with other: Dataset) throws(DataError) -> Dataset {
        let name = "\(self.name)+\(other.name)"
        func fail(_ message: String) -> DataError { DataError(.invalidArgument, file: name, message) }
        guard inputWidth == other.inputWidth else {
            throw fail("the inputs differ: \(self.name) has \(counted(inputWidth, "feature")), "
                       + "\(other.name) has \(counted(other.inputWidth, "feature"))")
        }
        let targets: Targets
        var classNames: [String]? = nil
        switch (self.targets, other.targets) {
        case (.none, .none):
            targets = .none
        case (.classes(let a, let k), .classes(let b, let l)):
            if self.classNames != nil || other.classNames != nil {
                guard self.classNames == other.classNames else {
                    throw fail("the class names differ: \(self.name) has \(Dataset.describe(self.classNames, k)), "
                               + "\(other.name) has \(Dataset.describe(other.classNames, l))")
                }
                classNames = self.classNames
            }
            targets = .classes(labels: a + b, classCount: max(k, l))
        case (.values(let a), .values(let b)):
            guard a.columns == b.columns else {
                throw fail("the targets differ: \(self.name) has \(counted(a.columns, "regression target")), "
                           + "\(other.name) has \(counted(b.columns, "regression target"))")
            }
            targets = .values(Matrix(rows: a.rows + b.rows, columns: a.columns, storage: a.storage + b.storage))
        default:
            throw fail("the targets differ: \(self.name) has \(Dataset.describe(self.targets)), "
                       + "\(other.name) has \(Dataset.describe(other.targets))")
        }
        let trueTargets: Matrix<Double>? = if let a = self.trueTargets, let b = other.trueTargets {
            Matrix(rows: a.rows + b.rows, columns: a.columns, storage: a.storage + b.storage)
        } else { nil }
        let rawInput: [Double]? = if let a = self.rawInput, let b = other.rawInput { a + b } else { nil }
        return try Dataset(name: name, features: features.appending(other.features),
                           inputWidth: inputWidth, targets: targets, classNames: classNames,
                           imageShape: imageShape == other.imageShape ? imageShape : nil,
                           trueTargets: trueTargets, rawInput: rawInput)
    }

    /// "class labels", "2 regression targets", "no targets".
    private static func describe(_ targets: Targets) -> String {
        switch targets {
        case .none: "no targets"
        case .classes: "class labels"
        case .values(let m): counted(m.columns, "regression target")
        }
    }

    /// "classes 0…9 (no names)" or "classes T-shirt, Trouser, …".
    private static func describe(_ names: [String]?, _ count: Int) -> String {
        guard let names else { return "classes 0…\(count - 1) (no names)" }
        let shown = names.prefix(6).joined(separator: ", ")
        return "classes " + shown + (names.count > 6 ? ", … (\(names.count))" : "")
    }
}

extension FeatureStorage {
    /// These values followed by `other`'s, in one storage: the same kind when both agree,
    /// otherwise float64 when either is float64, else float32.
    func appending(_ other: FeatureStorage) -> FeatureStorage {
        switch (self, other) {
        case (.pixels(let a), .pixels(let b)): return .pixels(a + b)
        case (.float(let a), .float(let b)): return .float(a + b)
        case (.double(let a), .double(let b)): return .double(a + b)
        case (.double, _), (_, .double):
            return .double((0..<count).map { value(at: $0) } + (0..<other.count).map { other.value(at: $0) })
        default:
            return .float((0..<count).map { Float(value(at: $0)) } + (0..<other.count).map { Float(other.value(at: $0)) })
        }
    }
}
