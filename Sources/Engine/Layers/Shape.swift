/// The shape of one example as it flows from layer to layer (the batch's rows are not part of
/// it): `[features]` for the dense layers' flat vectors; an image would be
/// `[channels, height, width]`. Values are stored row-major, last dimension fastest, so a
/// batch of `rows` examples is `rows × count` values whatever the shape.
///
///     Shape(784)                  // a flat MNIST image
///     Shape([1, 28, 28]).count    // 784: the same values, as a convolution would see them
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    /// Sizes, outermost first; each at least 1.
    public let dimensions: [Int]

    /// A shape of these dimensions (each at least 1: callers check before).
    public init(_ dimensions: [Int]) { self.dimensions = dimensions }

    /// A flat vector of `width` values.
    public init(_ width: Int) { self.dimensions = [width] }

    /// Values per example: the product of the dimensions.
    public var count: Int { dimensions.reduce(1, *) }

    /// "784", "1×28×28".
    public var description: String { dimensions.map(String.init).joined(separator: "×") }

    /// True when this shape is `image` itself, or a flat vector of as many values (the same
    /// values, row-major): what a layer reading images (conv, maxpool) takes.
    public func reads(as image: Shape) -> Bool {
        count == image.count && (dimensions.count == 1 || self == image)
    }
}
