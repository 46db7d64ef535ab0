import Engine

extension Dataset {
    /// The SHA-256 of the dataset's bytes as stored (docs/FORMAT.md §9), recorded in model files
    /// as the training data's fingerprint. The digested bytes are, all little-endian:
    ///
    ///     u8  feature kind: 1 = pixel bytes (value byte/255), 4 = float32, 8 = float64
    ///     u64 count, u64 inputWidth
    ///     count × inputWidth features as stored, row-major
    ///     u8  target kind: 0 = none, 1 = classes, 2 = values
    ///     classes: u64 classCount, then count × u64 label
    ///     values:  u64 columns, then count × columns f64, row-major
    ///
    /// Names, class names and image geometry are not part of it: two datasets with the same
    /// stored numbers in the same order have the same digest. Costs one pass over the data
    /// (MNIST's 47 MB of pixels); callers cache it.
    public func contentDigest() -> [UInt8] {
        var h = SHA256()
        func u64(_ v: Int) { h.update(Self.littleEndianBytes(UInt64(v))) }
        switch features {
        case .pixels(let bytes):
            h.update([1]); u64(count); u64(inputWidth)
            bytes.withUnsafeBytes { h.update($0) }
        case .float(let values):
            h.update([4]); u64(count); u64(inputWidth)
            Self.updateLittleEndian(&h, values.map(\.bitPattern))
        case .double(let values):
            h.update([8]); u64(count); u64(inputWidth)
            Self.updateLittleEndian(&h, values.map(\.bitPattern))
        }
        switch targets {
        case .none:
            h.update([0])
        case .classes(let labels, let classCount):
            h.update([1]); u64(classCount)
            Self.updateLittleEndian(&h, labels.map { UInt64(truncatingIfNeeded: $0) })
        case .values(let m):
            h.update([2]); u64(m.columns)
            Self.updateLittleEndian(&h, m.storage.map(\.bitPattern))
        }
        return h.finalize()
    }

    private static func littleEndianBytes(_ v: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }

    /// Feeds `words` to `h` as little-endian bytes (their memory, on a little-endian machine).
    private static func updateLittleEndian<W: FixedWidthInteger>(_ h: inout SHA256, _ words: [W]) {
        let ordered = words.map(\.littleEndian)
        ordered.withUnsafeBytes { h.update($0) }
    }
}
