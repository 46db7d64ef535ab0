extension Dataset {
    /// A dataset from an IDX file of examples and, optionally, an IDX file of targets.
    ///
    /// - `images` is `count × …`: each example is the flattened rest; a 3-D file
    ///   (`count × rows × columns`) is taken as images of that shape. uint8 values are stored
    ///   as pixels (value = byte/255); other types as Float (Double for float64).
    /// - `labels`, when given, must have the same `count`. A 1-D integer file gives class labels
    ///   (classes `0...max`); a 2-D or floating-point file gives regression targets.
    ///
    /// `shouldStop` is asked between chunks of the files, as in `IDX.read`.
    public static func loadIDX(images imagesPath: String, labels labelsPath: String?, name: String? = nil,
                               shouldStop: () -> Bool = { false }) throws(DataError) -> Dataset
    {
        let images = try IDX.read(path: imagesPath, shouldStop: shouldStop)
        var labels: IDXArray? = nil
        if let labelsPath { labels = try IDX.read(path: labelsPath, shouldStop: shouldStop) }
        return try fromIDX(images: images, imagesFile: imagesPath, labels: labels, labelsFile: labelsPath,
                           name: name ?? baseName(imagesPath))
    }

    /// `loadIDX` for arrays already read; the file names are for messages.
    public static func fromIDX(
        images: IDXArray, imagesFile: String, labels: IDXArray?, labelsFile: String?, name: String
    ) throws(DataError) -> Dataset {
        let count = images.dimensions[0]
        let width = images.dimensions.dropFirst().reduce(1, *)
        guard width > 0 else {
            throw DataError(.malformed, file: imagesFile, "examples of \(images.shapeDescription) have no features")
        }
        let features: FeatureStorage
        switch images.values {
        case .uint8, .float32, .float64: break
        default:
            // Integers become Float features while the values read are still held.
            try checkMemory(count: images.count, bytesEach: MemoryLayout<Float>.stride + images.elementType.size,
                            for: "the features (\(images.shapeDescription) as float32)", file: imagesFile)
        }
        switch images.values {
        case .uint8(let v): features = .pixels(v)
        case .float64(let v): features = .double(v)
        case .float32(let v): features = .float(v)
        default: features = .float((0..<images.count).map { Float(images.value(at: $0)) })
        }
        var shape: ImageShape? = nil
        if images.dimensions.count == 3 {
            shape = ImageShape(rows: images.dimensions[1], columns: images.dimensions[2])
        }

        var targets = Targets.none
        if let labels, let labelsFile {
            guard labels.dimensions[0] == count else {
                throw DataError(.countMismatch, file: labelsFile,
                                "\(labels.dimensions[0]) labels but \(imagesFile) has \(count) examples")
            }
            // Labels become Ints, targets Doubles: 8 bytes per value whatever the file's type.
            try checkMemory(count: labels.count, bytesEach: MemoryLayout<Double>.stride,
                            for: "the targets (\(labels.shapeDescription))", file: labelsFile)
            if labels.dimensions.count == 1 && labels.elementType.isInteger {
                var classLabels = [Int](repeating: 0, count: count)
                for i in 0..<count {
                    let v = Int(labels.value(at: i))
                    guard v >= 0 else {
                        throw DataError(.badValue, file: labelsFile, "label \(v) of example \(i) is negative")
                    }
                    guard v < 100_000 else {
                        throw DataError(.badValue, file: labelsFile, "label \(v) of example \(i) is too large for a class")
                    }
                    classLabels[i] = v
                }
                targets = .classes(labels: classLabels, classCount: (classLabels.max() ?? 0) + 1)
            } else {
                let tw = labels.dimensions.dropFirst().reduce(1, *)
                guard tw > 0 else {
                    throw DataError(.malformed, file: labelsFile, "targets of \(labels.shapeDescription) have no values")
                }
                targets = .values(.init(rows: count, columns: tw, storage: (0..<labels.count).map { labels.value(at: $0) }))
            }
        }
        return try Dataset(name: name, features: features, inputWidth: width, targets: targets, imageShape: shape)
    }
}

/// The last path component without a `.gz` suffix.
func baseName(_ path: String) -> String {
    var name = path.split(separator: "/").last.map(String.init) ?? path
    if name.hasSuffix(".gz") { name.removeLast(3) }
    return name
}
