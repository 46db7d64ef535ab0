/// A layer without parameters (dropout, max pooling, flatten): no tensors to read, draw or
/// step. Conforming to this instead of `Layer` gives those members; the layer provides its
/// shape, buffers and passes.
package protocol ParameterFreeLayer: Layer {}

extension ParameterFreeLayer {
    package var parameterShapes: [Shape] { [] }
    package var parameterKinds: [ParameterKind] { [] }
    package var parameterTensorCount: Int { 0 }
    package func withParameter<R>(_ index: Int, _ body: (UnsafeBufferPointer<Element>) -> R) -> R {
        preconditionFailure("a \(Self.kind) layer has no parameters")
    }
    package mutating func withMutableParameter<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<Element>) -> R) -> R {
        preconditionFailure("a \(Self.kind) layer has no parameters")
    }
    package mutating func drawParameters(generator: inout RandomGenerator) {}
    package mutating func update(_ pass: Pass<Element>, at s: Int, optimizer: Optimizer<Element>, regularization: Regularization) {}
}
