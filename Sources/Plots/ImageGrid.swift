/// Small greyscale images laid out in a grid, each with a caption: the digits a model gets
/// wrong ("5 → 3"), drawn as terminal text or as SVG.
///
///     let grid = ImageGrid(title: "5 read as 3", images: wrong.map {
///         ImageGrid.Image(pixels: $0.pixels, width: 28, height: 28, caption: "#\($0.index)")
///     })
///     output(grid.renderTerminal(width: 80, colour: isTerminal))
///
/// Each image is scaled on its own from its darkest to its brightest pixel (more = more ink),
/// or all on one scale when the grid has a `range` (a layer's filters, its feature maps: so
/// that a faint one looks faint); NaN or infinite pixels count as background, and missing
/// pixels (fewer than width × height) too.
public struct ImageGrid: Sendable, Equatable {
    public struct Image: Sendable, Equatable {
        /// Row-major, `height` rows of `width` values.
        public var pixels: [Double]
        public var width: Int
        public var height: Int
        public var caption: String

        public init(pixels: [Double], width: Int, height: Int, caption: String = "") {
            self.pixels = pixels
            self.width = width
            self.height = height
            self.caption = caption
        }

        /// The pixel at (x, y) scaled to 0…1 (0 outside the image).
        func intensity(x: Int, y: Int, range: (low: Double, high: Double)) -> Double {
            guard x >= 0, y >= 0, x < width, y < height else { return 0 }
            let index = y * width + x
            guard index < pixels.count, pixels[index].isFinite else { return 0 }
            let v = pixels[index]
            if range.high > range.low { return (v - range.low) / (range.high - range.low) }
            return min(1, max(0, v))
        }

        /// The smallest and largest finite pixel.
        var range: (low: Double, high: Double) {
            let finite = pixels.prefix(max(0, width) * max(0, height)).filter(\.isFinite)
            return (finite.min() ?? 0, finite.max() ?? 0)
        }
    }

    public var title: String
    public var images: [Image]
    /// One scale for every image (low is black, high white), or nil for each its own.
    public var range: ClosedRange<Double>?

    public init(title: String = "", images: [Image], range: ClosedRange<Double>? = nil) {
        self.title = title
        self.images = images
        self.range = range
    }

    /// The scale `image` is drawn on: the grid's `range`, else its own.
    func drawingRange(of image: Image) -> (low: Double, high: Double) {
        range.map { ($0.lowerBound, $0.upperBound) } ?? image.range
    }

    /// The largest width and height among the images (each at least 1).
    var cellSize: (width: Int, height: Int) {
        (max(1, images.map(\.width).max() ?? 1), max(1, images.map(\.height).max() ?? 1))
    }
}
