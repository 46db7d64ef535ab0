/// A grayscale picture: `height` rows of `width` brightness values, 0 black … 1 white.
///
/// Readers (`ImageFile.read`) convert colour to gray and flatten transparency;
/// `DigitPreprocessing.mnistStyle` turns a photographed or drawn digit into MNIST's form.
public struct GrayImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Row-major: pixel (x, y) is `pixels[y * width + x]`.
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height, "GrayImage needs width × height pixels")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, repeating value: Float = 0) {
        self.init(width: width, height: height, pixels: Array(repeating: value, count: width * height))
    }

    public subscript(x: Int, y: Int) -> Float {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Pixels as bytes, round(value·255), clamped to 0…255: MNIST's storage.
    public var bytes: [UInt8] {
        pixels.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
    }

    /// Gray from 8-bit channels by Rec. 601 luma (0.299 R + 0.587 G + 0.114 B) and an
    /// optional alpha channel. Transparent parts become background: when the opaque parts are
    /// mostly dark (dark ink) the image is laid over white, otherwise over black, so a digit
    /// drawn on a transparent canvas keeps its contrast either way.
    static func fromChannels(width: Int, height: Int, gray: [Float], alpha: [Float]?) -> GrayImage {
        guard let alpha, alpha.contains(where: { $0 < 1 }) else {
            return GrayImage(width: width, height: height, pixels: gray)
        }
        var inkSum: Float = 0, inkCount: Float = 0
        for (g, a) in zip(gray, alpha) where a > 0.5 {
            inkSum += g
            inkCount += 1
        }
        let background: Float = inkCount == 0 || inkSum / inkCount < 0.5 ? 1 : 0
        let flat = zip(gray, alpha).map { g, a in a * g + (1 - a) * background }
        return GrayImage(width: width, height: height, pixels: flat)
    }
}

extension Dataset {
    /// Images of one size as a dataset of pixel bytes (row-major, value = byte/255) with no
    /// targets: digits to classify.
    public static func fromImages(_ images: [GrayImage], name: String) throws(DataError) -> Dataset {
        guard let first = images.first else {
            throw DataError(.invalidArgument, file: name, "no images")
        }
        guard images.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw DataError(.invalidArgument, file: name, "the images differ in size")
        }
        return try Dataset(name: name, features: .pixels(images.flatMap(\.bytes)),
                           inputWidth: first.width * first.height, targets: .none,
                           imageShape: ImageShape(rows: first.height, columns: first.width))
    }
}
