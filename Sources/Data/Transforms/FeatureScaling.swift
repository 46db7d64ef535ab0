import Engine

/// A per-feature affine map fitted on training data, `x'[j] = (x[j] − offsets[j]) / scales[j]`,
/// that can be applied to any data of the same width and stored with a model, so inputs given
/// to the model later are scaled the same way.
///
/// - standardisation: offsets = means, scales = standard deviations (population, ÷ n), so each
///   feature of the training data gets mean 0 and deviation 1;
/// - unit range: offsets = minima, scales = max − min, so the training data lie in [0, 1].
///
/// A constant feature (scale 0) gets scale 1: it is only shifted (to 0).
///
///     let scaling = FeatureScaling.standardization(fittedOn: train)   // training data only
///     let train2 = try scaling.apply(to: train), test2 = try scaling.apply(to: test)
public struct FeatureScaling: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case standardization, unitRange
    }

    public var kind: Kind
    public var offsets: [Double]
    public var scales: [Double]

    /// Offsets and scales as stored (e.g. read back from a model file). Scales of 0 become 1.
    public init(kind: Kind, offsets: [Double], scales: [Double]) {
        precondition(offsets.count == scales.count, "offsets and scales differ in length")
        self.kind = kind
        self.offsets = offsets
        self.scales = scales.map { $0 == 0 || !$0.isFinite ? 1 : $0 }
    }

    /// The number of features it applies to.
    public var width: Int { offsets.count }

    /// Means and standard deviations of each feature of `data`.
    public static func standardization(fittedOn data: Dataset) -> FeatureScaling {
        let n = Double(max(1, data.count))
        var mean = [Double](repeating: 0, count: data.inputWidth)
        var squares = [Double](repeating: 0, count: data.inputWidth)
        for i in 0..<data.count {
            for j in 0..<data.inputWidth { mean[j] += data.feature(i, j) }
        }
        for j in mean.indices { mean[j] /= n }
        for i in 0..<data.count {
            for j in 0..<data.inputWidth {
                let d = data.feature(i, j) - mean[j]
                squares[j] += d * d
            }
        }
        return FeatureScaling(kind: .standardization, offsets: mean, scales: squares.map { ($0 / n).squareRoot() })
    }

    /// Minimum and range of each feature of `data`.
    public static func unitRange(fittedOn data: Dataset) -> FeatureScaling {
        var low = [Double](repeating: .infinity, count: data.inputWidth)
        var high = [Double](repeating: -.infinity, count: data.inputWidth)
        for i in 0..<data.count {
            for j in 0..<data.inputWidth {
                let v = data.feature(i, j)
                low[j] = min(low[j], v)
                high[j] = max(high[j], v)
            }
        }
        if data.count == 0 { low = low.map { _ in 0 }; high = high.map { _ in 1 } }
        return FeatureScaling(kind: .unitRange, offsets: low, scales: zip(low, high).map { $1 - $0 })
    }

    /// `data` with its features mapped. Double features stay Double; pixels and Float become
    /// Float. The image shape is kept.
    public func apply(to data: Dataset) throws(DataError) -> Dataset {
        guard data.inputWidth == width else {
            throw DataError(.invalidArgument, file: data.name,
                            "has \(data.inputWidth) features but the \(kind.rawValue) was fitted on \(width)")
        }
        var d = data
        if case .double(let values) = data.features {
            var out = values
            for k in out.indices { out[k] = (out[k] - offsets[k % width]) / scales[k % width] }
            d.replaceFeatures(.double(out), width: width)
        } else {
            var out = [Float](repeating: 0, count: data.count * width)
            for k in out.indices { out[k] = Float((data.features.value(at: k) - offsets[k % width]) / scales[k % width]) }
            d.replaceFeatures(.float(out), width: width)
        }
        return d
    }

    /// Maps the rows of `inputs` (`rows × width`) in place: for a model's inputs at prediction.
    public func apply<T: Scalar>(to inputs: inout Matrix<T>) throws(DataError) {
        guard inputs.columns == width else {
            throw DataError(.invalidArgument, file: kind.rawValue,
                            "inputs have \(inputs.columns) features but the \(kind.rawValue) was fitted on \(width)")
        }
        for r in 0..<inputs.rows {
            for c in 0..<width { inputs[r, c] = T((Double(inputs[r, c]) - offsets[c]) / scales[c]) }
        }
    }
}
