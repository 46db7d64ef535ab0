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
