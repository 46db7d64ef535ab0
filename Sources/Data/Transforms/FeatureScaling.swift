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

    /// Offsets and scales as stored (e.g. read back from a model file). Scales of 0 (or not
    /// finite) become 1. There is one feature per offset: missing scales are taken as 1, extra
    /// ones dropped (a model file's reader should have refused such a file already).
    public init(kind: Kind, offsets: [Double], scales: [Double]) {
        self.kind = kind
        self.offsets = offsets
        self.scales = offsets.indices.map { j in
            let s = j < scales.count ? scales[j] : 1
            return s == 0 || !s.isFinite ? 1 : s
        }
    }

    /// The number of features it applies to.
    public var width: Int { offsets.count }

    /// Means and standard deviations of each feature of `data`.
    public static func standardization(fittedOn data: Dataset) -> FeatureScaling {
        let width = data.inputWidth, n = Double(max(1, data.count))
        var row = [Double](repeating: 0, count: width)
        var mean = [Double](repeating: 0, count: width)
        var squares = [Double](repeating: 0, count: width)
        for i in 0..<data.count {
            data.features.copyRow(i, width: width, into: &row)
            for j in 0..<width { mean[j] += row[j] }
        }
        for j in 0..<width { mean[j] /= n }
        // A second pass over the deviations (not Σx² − n·mean²), which loses no precision.
        for i in 0..<data.count {
            data.features.copyRow(i, width: width, into: &row)
            for j in 0..<width {
                let d = row[j] - mean[j]
                squares[j] += d * d
            }
        }
        return FeatureScaling(kind: .standardization, offsets: mean, scales: squares.map { ($0 / n).squareRoot() })
    }

    /// Minimum and range of each feature of `data`.
    public static func unitRange(fittedOn data: Dataset) -> FeatureScaling {
        let width = data.inputWidth
        guard data.count > 0 else {
            return FeatureScaling(kind: .unitRange, offsets: Array(repeating: 0, count: width),
                                  scales: Array(repeating: 1, count: width))
        }
        var row = [Double](repeating: 0, count: width)
        data.features.copyRow(0, width: width, into: &row)
        var low = row, high = row
        for i in 1..<data.count {
            data.features.copyRow(i, width: width, into: &row)
            for j in 0..<width {
                low[j] = min(low[j], row[j])
                high[j] = max(high[j], row[j])
            }
        }
        return FeatureScaling(kind: .unitRange, offsets: low, scales: zip(low, high).map { $1 - $0 })
    }

    /// `data` with its features mapped. Double features stay Double; pixels and Float become
    /// Float. The image shape is kept.
    public func apply(to data: Dataset) throws(DataError) -> Dataset {
        guard data.inputWidth == width else {
            throw DataError(.invalidArgument, file: data.name,
                            "has \(counted(data.inputWidth, "feature")) but the \(kind.rawValue) was fitted on \(width)")
        }
        let isDouble = if case .double = data.features { true } else { false }
        try data.checkCopy(featureBytes: isDouble ? 8 : 4, for: "the scaled copy")
        var d = data
        var row = [Double](repeating: 0, count: width)
        if case .double = data.features {
            var out = [Double](repeating: 0, count: data.count * width)
            for i in 0..<data.count {
                data.features.copyRow(i, width: width, into: &row)
                for j in 0..<width { out[i * width + j] = (row[j] - offsets[j]) / scales[j] }
            }
            d.replaceFeatures(.double(out), width: width)
        } else {
            var out = [Float](repeating: 0, count: data.count * width)
            for i in 0..<data.count {
                data.features.copyRow(i, width: width, into: &row)
                for j in 0..<width { out[i * width + j] = Float((row[j] - offsets[j]) / scales[j]) }
            }
            d.replaceFeatures(.float(out), width: width)
        }
        return d
    }

    /// Maps the rows of `inputs` (`rows × width`) in place: for a model's inputs at prediction.
    public func apply<T: Scalar>(to inputs: inout Matrix<T>) throws(DataError) {
        guard inputs.columns == width else {
            throw DataError(.invalidArgument, file: kind.rawValue,
                            "inputs have \(counted(inputs.columns, "feature")) but the \(kind.rawValue) was fitted on \(width)")
        }
        for r in 0..<inputs.rows {
            for c in 0..<width { inputs[r, c] = T((Double(inputs[r, c]) - offsets[c]) / scales[c]) }
        }
    }
}
