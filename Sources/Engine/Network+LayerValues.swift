/// What views read off one layer of the stack, of any kind, by its place (`LayerDescription.index`):
/// a parameter tensor's values (`inspect` draws a convolution's filters) and one example's
/// outputs after it (`show … net=` draws feature maps). Values in Double, whatever the
/// network's precision.
extension Network {
    /// Parameter tensor `tensor` of stack layer `layer`, row-major as `LayerDescription.parameterShapes`
    /// gives its shape (conv weights: filters × channels × k × k). Both indices must be in range.
    public func parameterValues(layer: Int, tensor: Int) -> [Double] {
        stack[layer].parameter(tensor).map { Double($0) }
    }

    /// One example (`inputShape.count` values) through the layers up to and including stack
    /// layer `layer`, by the reference inference pass (dropout the identity, batch
    /// normalisation with its running statistics): the values of `shapes[layer]`, row-major.
    public func layerOutputs(_ example: [Double], through layer: Int) -> [Double] {
        let x = Matrix(rows: 1, columns: example.count, storage: example.map { T($0) })
        return stack[...layer].reduce(x) { $1.reference($0) }.storage.map { Double($0) }
    }
}

extension AnyNetwork {
    /// See `Network.parameterValues(layer:tensor:)`.
    public func parameterValues(layer: Int, tensor: Int) -> [Double] {
        switch self {
        case .float(let n): n.parameterValues(layer: layer, tensor: tensor)
        case .double(let n): n.parameterValues(layer: layer, tensor: tensor)
        }
    }

    /// See `Network.layerOutputs(_:through:)`.
    public func layerOutputs(_ example: [Double], through layer: Int) -> [Double] {
        switch self {
        case .float(let n): n.layerOutputs(example, through: layer)
        case .double(let n): n.layerOutputs(example, through: layer)
        }
    }
}
