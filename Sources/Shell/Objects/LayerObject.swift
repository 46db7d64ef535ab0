import Engine

/// One layer with parameters of a network (`net.layers[0]`), as Keras' `model.layers[i]`: a
/// live view, so its `.weights` are the network's weights now (after training too). Layers
/// are numbered among those with parameters (dropout layers have none), as `summary` and
/// `inspect` number them. Any kind shows its kind, output shape and parameter count; a dense
/// layer's numbers come from the engine (`AnyNetwork.weights(layer:)`) as a `MatrixObject`,
/// and other kinds refuse the dense-only fields by name.
final class LayerObject: ShellObject, @unchecked Sendable {
    static let typeDescription = "a layer"
    let net: NetworkObject
    /// 0-based among the layers with parameters, as `net.layers[index]`.
    let index: Int

    init(_ net: NetworkObject, index: Int) {
        self.net = net
        self.index = index
    }

    /// The layer, if the network still has it (`pop` may have removed it), and its place
    /// among the dense layers when it is one (what the dense view counts).
    private var layer: (description: LayerDescription, dense: LayerSummary?)? {
        let parametric = net.network.layerDescriptions.filter { $0.parametricIndex != nil }
        guard index < parametric.count else { return nil }
        let d = parametric[index]
        guard d.kind == "dense" else { return (d, nil) }
        let denseIndex = parametric[..<index].filter { $0.kind == "dense" }.count
        let dense = net.network.layers
        return (d, denseIndex < dense.count ? dense[denseIndex] : nil)
    }

    /// Fields only a dense layer has.
    private static let denseFields: Set = ["inputs", "outputs", "activation", "dropout", "weights", "biases"]

    var fieldNames: [String] { ["index", "kind", "output", "inputs", "outputs", "activation", "parameters", "dropout", "weights", "biases"] }

    func field(_ name: String) -> Value? {
        guard let (d, dense) = layer else { return nil }
        switch name {
        case "index": return .number(Double(index))
        case "kind": return .string(d.kind)
        case "output": return .string(d.outputShape.description)
        case "parameters": return .number(Double(d.parameterCount))
        default: break
        }
        guard let l = dense else { return nil }
        switch name {
        case "inputs": return .number(Double(l.inputs))
        case "outputs": return .number(Double(l.outputs))
        case "activation": return .string(l.activation.name)
        case "dropout": return .number(l.inputDropout)
        case "weights":
            return .object(MatrixObject(net.network.weights(layer: l.index), precision: net.network.precision,
                                        title: "layer \(index) weights", rowTitle: "input", columnTitle: "output"))
        case "biases":
            return .object(MatrixObject(net.network.biases(layer: l.index), precision: net.network.precision,
                                        title: "layer \(index) biases", rowTitle: "", columnTitle: "output"))
        default: return nil
        }
    }

    func unavailable(_ name: String) -> String? {
        guard let (d, _) = layer else {
            let count = net.network.layerDescriptions.filter { $0.parametricIndex != nil }.count
            return "layer \(index) is no longer in its network (it has \(counted(count, "layer")) now)"
        }
        if Self.denseFields.contains(name) {
            return "layer \(index) is a \(d.kind) layer (\(d.summary)); .\(name) is a dense layer's"
        }
        return nil
    }

    var shortDescription: String {
        guard let (d, dense) = layer else { return "<layer \(index), removed>" }
        guard let l = dense else { return "<layer \(index): \(d.summary), \(d.parameterCount) parameters>" }
        return "<layer \(index): dense \(l.inputs)→\(l.outputs) \(l.activation.name), \(l.parameterCount) parameters"
            + (l.inputDropout > 0 ? ", dropout \(formatNumber(l.inputDropout)) before it" : "") + ">"
    }
}

extension NetworkObject {
    /// `net.layers`: its layers with parameters, input side first.
    var layerList: Value {
        .list(network.layerDescriptions.filter { $0.parametricIndex != nil }.map { .object(LayerObject(self, index: $0.parametricIndex!)) })
    }
}
