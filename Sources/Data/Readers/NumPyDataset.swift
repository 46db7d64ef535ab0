import Engine
import ModelFiles

/// Datasets as NumPy arrays (`.npz` archives and `.npy` files), for NumPy, PyTorch and others.
///
/// The arrays of an archive written by `numpyArchive()`:
///
///     inputs       count × features (count × rows × columns for images): uint8 pixels 0…255,
///                  else float32 or float64 as the dataset holds them (standardized values as scaled)
///     labels       count, int64: each example's class number       (class data)
///     class_names  classes, text (<U): the name of each class number (class data)
///     targets      count × targets, float64                         (regression data)
///
/// Reading follows the IDX rules (`Dataset.fromIDX`): uint8 inputs are pixels, a 3-d array
/// gives images, a 1-d integer array gives class labels, anything else targets.
extension Dataset {
    /// The array names `numpyArchive()` writes and `loadNumPy` looks for.
    public enum NumPyKey {
        public static let inputs = "inputs"
        public static let labels = "labels"
        public static let classNames = "class_names"
        public static let targets = "targets"
    }

    /// The dataset as `.npz` arrays (see the type's comment). `class_names` is written for all
    /// class data (the numbers as text when the classes have no names), so the class count
    /// survives even when the last classes have no examples.
    public func numpyArchive() -> NumPyArchive {
        var archive = NumPyArchive()
        let shape = imageShape.map { [count, $0.rows, $0.columns] } ?? [count, inputWidth]
        switch features {
        case .pixels(let v): archive[NumPyKey.inputs] = NumPyArray(shape: shape, bytes: v)
        case .float(let v): archive[NumPyKey.inputs] = NumPyArray(shape: shape, values: v)
        case .double(let v): archive[NumPyKey.inputs] = NumPyArray(shape: shape, values: v)
        }
        switch targets {
        case .none: break
        case .classes(let labels, let k):
            archive[NumPyKey.labels] = NumPyArray(shape: [count], int64: labels)
            archive[NumPyKey.classNames] = NumPyArray(strings: (0..<k).map(className))
        case .values(let m):
            archive[NumPyKey.targets] = NumPyArray(shape: [count, m.columns], values: m.storage)
        }
        return archive
    }

    /// A dataset from a `.npz` archive: the array `inputs` as the examples, and `labels` as
    /// class labels or targets (by default the array `labels`, else `targets`, else none).
    /// Class names come from `class_names` when it is there. Errors name the file.
    public static func loadNumPy(archive path: String, inputs: String = NumPyKey.inputs, labels: String? = nil,
                                 name: String? = nil) throws(DataError) -> Dataset {
        let archive: NumPyArchive
        do { archive = try NumPyArchive.read(path) } catch { throw DataError(numpy: error, file: path) }
        let held = archive.keys.isEmpty ? "no arrays" : "arrays " + archive.keys.joined(separator: ", ")
        guard let x = archive[inputs] else {
            throw DataError(.malformed, file: path, "no array '\(inputs)' (the archive holds \(held)); name the examples with inputs=")
        }
        let labelKey = labels ?? [NumPyKey.labels, NumPyKey.targets].first { archive[$0] != nil }
        var y: NumPyArray? = nil
        if let labelKey {
            guard let found = archive[labelKey] else {
                throw DataError(.malformed, file: path, "no array '\(labelKey)' (the archive holds \(held))")
            }
            y = found
        }
        var data = try fromNumPy(inputs: x, inputsFile: "\(path)[\(inputs)]", labels: y,
                                 labelsFile: labelKey.map { "\(path)[\($0)]" }, name: name ?? baseName(path))
        if case .classes(let classLabels, let k) = data.targets, let namesArray = archive[NumPyKey.classNames] {
            let file = "\(path)[\(NumPyKey.classNames)]"
            guard let names = namesArray.strings, namesArray.shape.count == 1 else {
                throw DataError(.malformed, file: file, "class names must be a 1-d text array, not \(namesArray.shapeDescription)")
            }
            guard names.count >= k else {
                throw DataError(.countMismatch, file: file, "\(names.count) class names but the labels go up to \(k - 1)")
            }
            guard Set(names).count == names.count else { throw DataError(.badValue, file: file, "two classes have the same name") }
            let plainNumbers = names == (0..<names.count).map(String.init)
            data = try Dataset(name: data.name, features: data.features, inputWidth: data.inputWidth,
                               targets: .classes(labels: classLabels, classCount: names.count),
                               classNames: plainNumbers ? nil : names, imageShape: data.imageShape)
        }
        return data
    }

    /// A dataset from a `.npy` file of examples and, optionally, one of labels or targets.
    public static func loadNPY(examples path: String, labels labelsPath: String?, name: String? = nil) throws(DataError) -> Dataset {
        func read(_ file: String) throws(DataError) -> NumPyArray {
            do { return try NumPyArchive.readArray(file) } catch { throw DataError(numpy: error, file: file) }
        }
        let x = try read(path)
        let y = try labelsPath.map { (file) throws(DataError) in try read(file) }
        return try fromNumPy(inputs: x, inputsFile: path, labels: y, labelsFile: labelsPath, name: name ?? baseName(path))
    }

    /// The IDX rules applied to NumPy arrays; the file names are for messages.
    static func fromNumPy(inputs: NumPyArray, inputsFile: String, labels: NumPyArray?, labelsFile: String?,
                          name: String) throws(DataError) -> Dataset {
        let x = try idxArray(inputs, file: inputsFile)
        let y = try labels.map { (a) throws(DataError) in try idxArray(a, file: labelsFile ?? inputsFile) }
        return try fromIDX(images: x, imagesFile: inputsFile, labels: y, labelsFile: labelsFile, name: name)
    }

    /// The array in IDX's element types: unsigned and wide integers become int32 when every
    /// value fits (labels and counts do), booleans int8.
    static func idxArray(_ a: NumPyArray, file: String) throws(DataError) -> IDXArray {
        guard !a.shape.isEmpty else {
            throw DataError(.malformed, file: file, "a single \(a.dtype.name) value, not an array of examples")
        }
        if case .unicode = a.dtype {
            throw DataError(.badValue, file: file, "a text array (\(a.shapeDescription)) cannot be examples, labels or targets")
        }
        let n = a.count
        try checkMemory(count: n, bytesEach: max(4, a.dtype.size), for: "the array (\(a.shapeDescription))", file: file)
        let values: IDXArray.Values
        switch a.dtype {
        case .uint8: values = .uint8(a.data)
        case .int8, .bool: values = .int8(a.data.map { Int8(bitPattern: $0) })
        case .int16: values = .int16((0..<n).map { Int16(truncatingIfNeeded: a.integer(at: $0)!) })
        case .float32: values = .float32(a.data.withUnsafeBytes { raw in (0..<n).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } })
        case .float64: values = .float64(a.data.withUnsafeBytes { raw in (0..<n).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) } })
        default:
            var out = [Int32](repeating: 0, count: n)
            for k in 0..<n {
                guard let v = a.integer(at: k), let narrow = Int32(exactly: v) else {
                    throw DataError(.badValue, file: file, "element \(k) (\(a.value(at: k) ?? 0)) is beyond the int32 range nnsh reads from \(a.dtype.name) arrays")
                }
                out[k] = narrow
            }
            values = .int32(out)
        }
        return IDXArray(dimensions: a.shape, values: values)
    }
}

extension DataError {
    /// A NumPy file's error as a dataset error naming `file`.
    init(numpy error: ModelFileError, file: String) {
        let kind: Kind = switch error.kind {
        case .truncated: .truncated
        case .notAModelFile: .badMagic
        case .unsupportedVersion, .unsupportedContent, .newerVersion: .unsupported
        case .tooLarge: .tooLarge
        case .io: .cannotRead
        case .shapeMismatch, .trailingBytes: .sizeMismatch
        default: .malformed
        }
        let place = error.offset.map { "at byte \($0): " } ?? ""
        self.init(kind, file: file, place + error.message + " (hint: \(error.hint))")
    }
}
