/// Flattening: an image [channels, height, width] becomes a flat vector of channels·height·width
/// values, x[c, y, x] at c·height·width + y·width + x. Examples are stored row-major whatever
/// their shape (see `Shape`), so nothing moves: forward and predict hand on their input, and
/// backward hands the gradient on in place (no buffers at all). No parameters.
///
/// A dense layer takes any shape of as many values as its inputs (`DenseLayer.outputShape`), so
/// it flattens an image by itself; this layer writes the step out (`add net flatten`, Keras'
/// Flatten, PyTorch's nn.Flatten) and refuses a shape that is flat already.
struct FlattenLayer<T: Scalar>: Layer, Equatable {
    typealias Element = T

    static var kind: String { "flatten" }

    /// The flat vector of as many values; throws for a shape that is flat already.
    func outputShape(for input: Shape) throws(EngineError) -> Shape {
        guard input.dimensions.count > 1 else {
            throw EngineError(.shapeMismatch, "flatten needs an image (channels×height×width), got \(counted(input.count, "flat value"))")
        }
        return Shape(input.count)
    }

    var parameterShapes: [Shape] { [] }
    var parameterKinds: [ParameterKind] { [] }
    var parameterTensorCount: Int { 0 }
    func withParameter<R>(_ index: Int, _ body: (UnsafeBufferPointer<T>) -> R) -> R {
        preconditionFailure("a flatten layer has no parameters")
    }
    mutating func withMutableParameter<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<T>) -> R) -> R {
        preconditionFailure("a flatten layer has no parameters")
    }
    mutating func drawParameters(generator: inout RandomGenerator) {}

    /// None: its output is its input and its gradient its input's.
    func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<T> { LayerBuffers() }

    func forward(_ pass: Pass<T>, at s: Int) { pass.setOutput(s, pass.input(s)) }
    /// Nothing: the layer behind it wrote the gradient of its input (the same buffer); the
    /// layer in front finishes it (`finishGradient`).
    func backward(_ pass: Pass<T>, at s: Int, frontEpilogue: Epilogue<T>) {}
    var appliesFrontEpilogue: Bool { false }
    func gradientEpilogue(_ pass: Pass<T>, at s: Int) -> Epilogue<T> { .none }
    func finishGradient(_ pass: Pass<T>, at s: Int) {}
    mutating func update(_ pass: Pass<T>, at s: Int, optimizer: Optimizer<T>, regularization: Regularization) {}
    func predict(_ pass: Pass<T>, at s: Int) { pass.setOutput(s, pass.input(s)) }
    func reference(_ x: Matrix<T>) -> Matrix<T> { x }

    /// "flatten".
    var summary: String { "flatten" }
    func convertedLayer<U: Scalar>(to: U.Type) -> any Layer<U> { FlattenLayer<U>() }
    func isEqual(to other: any Layer<T>) -> Bool { other is FlattenLayer<T> }
}
