/// Flattening: an image [channels, height, width] becomes a flat vector of channels·height·width
/// values, x[c, y, x] at c·height·width + y·width + x. Examples are stored row-major whatever
/// their shape (see `Shape`), so nothing moves: forward and predict hand on their input, and
/// backward hands the gradient on in place (no buffers at all). No parameters.
///
/// A dense layer takes any shape of as many values as its inputs (`DenseLayer.outputShape`), so
/// it flattens an image by itself; this layer writes the step out (`add net flatten`, Keras'
/// Flatten, PyTorch's nn.Flatten) and refuses a shape that is flat already.
package struct FlattenLayer<T: Scalar>: ParameterFreeLayer, Equatable {
    package typealias Element = T

    package init() {}

    package static var kind: String { "flatten" }

    /// The flat vector of as many values; throws for a shape that is flat already.
    package func outputShape(for input: Shape) throws(EngineError) -> Shape {
        guard input.dimensions.count > 1 else {
            throw EngineError(.shapeMismatch, "flatten needs an image (channels×height×width), got \(counted(input.count, "flat value"))")
        }
        return Shape(input.count)
    }

    /// None: its output is its input and its gradient its input's.
    package func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<T> { LayerBuffers() }

    package func forward(_ pass: Pass<T>, at s: Int) { pass.setOutput(s, pass.input(s)) }
    /// Nothing: the layer behind it wrote the gradient of its input (the same buffer); the
    /// layer in front finishes it (`finishGradient`).
    package func backward(_ pass: Pass<T>, at s: Int, frontEpilogue: Epilogue<T>) {}
    package var appliesFrontEpilogue: Bool { false }
    package func gradientEpilogue(_ pass: Pass<T>, at s: Int) -> Epilogue<T> { .none }
    package func finishGradient(_ pass: Pass<T>, at s: Int) {}
    package func predict(_ pass: Pass<T>, at s: Int) { pass.setOutput(s, pass.input(s)) }
    package func reference(_ x: Matrix<T>) -> Matrix<T> { x }

    /// "flatten".
    package var summary: String { "flatten" }
    package func convertedLayer<U: Scalar>(to: U.Type) -> any Layer<U> { FlattenLayer<U>() }
    package func isEqual(to other: any Layer<T>) -> Bool { other is FlattenLayer<T> }
}
