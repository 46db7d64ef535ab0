import Engine

extension Dataset {
    /// The bytes its arrays hold (features, labels or targets, true targets, raw inputs): what
    /// the dataset is charged against `MemoryLimit` while a session holds it.
    public var memoryBytes: Int {
        var total = features.memoryBytes
        switch targets {
        case .none: break
        case .classes(let labels, _): total += labels.count * MemoryLayout<Int>.stride
        case .values(let m): total += m.storage.count * MemoryLayout<Double>.stride
        }
        total += (trueTargets?.storage.count ?? 0) * MemoryLayout<Double>.stride
        total += (rawInput?.count ?? 0) * MemoryLayout<Double>.stride
        total += classNames?.reduce(0) { $0 + $1.utf8.count } ?? 0
        return total
    }
}

extension FeatureStorage {
    /// The bytes the values take: 1 per pixel, 4 per float32, 8 per float64.
    public var memoryBytes: Int {
        switch self {
        case .pixels(let v): v.count
        case .float(let v): v.count * MemoryLayout<Float>.stride
        case .double(let v): v.count * MemoryLayout<Double>.stride
        }
    }
}

extension Dataset {
    /// Refuses a transform that makes `copies` copies of `examples` of the examples (all by
    /// default; a split 1 copy, k folds k) when they would not fit the memory budget.
    /// `featureBytes` and `width` describe the result's features when they change (scaled
    /// pixels become 4-byte floats; one-hot encoding widens the rows).
    public func checkCopy(examples: Int? = nil, copies: Int = 1, featureBytes: Int? = nil, width: Int? = nil,
                   for what: String) throws(DataError) {
        let valueBytes = featureBytes ?? features.memoryBytes / max(features.count, 1)
        let perExample = (width ?? inputWidth) * valueBytes + (memoryBytes - features.memoryBytes) / max(count, 1)
        try checkMemory(count: examples ?? count, times: copies, bytesEach: perExample, for: what, file: name)
    }
}
