/// One layer of a network, of whatever kind, as code outside the engine sees it (`summary`,
/// `pop`, `info`, `inspect`): what `Network.layerDescriptions` reads off the stack, so nothing
/// outside Engine needs the layer types or a view for one kind.
///
///     net.layerDescriptions.map(\.kind)          // ["conv", "dense", "dropout", "dense"]
///     net.layerDescriptions[0].outputShape       // 32×26×26
public struct LayerDescription: Hashable, Sendable {
    /// 0-based place in the stack: every layer counts, dropout too.
    public var index: Int
    /// 0-based place among the layers with parameters (as `EngineError.layer`, `inspect` and
    /// the divergence report count them); nil for a layer without parameters.
    public var parametricIndex: Int?
    /// `Layer.kind`: "dense", "dropout", "conv".
    public var kind: String
    /// `Layer.summary`: "300 relu", "dropout 0.5", "conv 32 3×3 stride 1 padding 0 relu".
    public var summary: String
    /// The shape of one example it takes, and of what it gives.
    public var inputShape: Shape
    public var outputShape: Shape
    /// Its parameter tensors in the optimiser's order (dense: W as inputs×outputs, then b);
    /// empty for none.
    public var parameterShapes: [Shape]

    /// All its parameters.
    public var parameterCount: Int { parameterShapes.reduce(0) { $0 + $1.count } }
}

extension Network {
    /// Every layer of the stack, input side first, described (see `LayerDescription`).
    public var layerDescriptions: [LayerDescription] {
        var shape = inputShape, parametric = 0
        return stack.enumerated().map { s, layer in
            let tensors = layer.parameterShapes
            let d = LayerDescription(index: s, parametricIndex: tensors.isEmpty ? nil : parametric,
                                     kind: type(of: layer).kind, summary: layer.summary,
                                     inputShape: shape, outputShape: shapes[s], parameterShapes: tensors)
            if !tensors.isEmpty { parametric += 1 }
            shape = shapes[s]
            return d
        }
    }
}
