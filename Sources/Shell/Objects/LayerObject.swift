import Engine

/// One dense layer of a network (`net.layers[0]`), as Keras' `model.layers[i]`: a live view,
/// so its `.weights` are the network's weights now (after training too). Its numbers come from
/// the engine (`AnyNetwork.weights(layer:)`) as a `MatrixObject`; the language only shows them.
final class LayerObject: ShellObject, @unchecked Sendable {
    static let typeDescription = "a layer"
    let net: NetworkObject
    /// 0-based, as `net.layers[index]`.
    let index: Int

    init(_ net: NetworkObject, index: Int) {
        self.net = net
        self.index = index
    }

    /// The layer, if the network still has it (`pop` may have removed it).
    private var layer: LayerSummary? {
        let layers = net.network.layers
        return index < layers.count ? layers[index] : nil
    }

    var fieldNames: [String] { ["index", "inputs", "outputs", "activation", "parameters", "dropout", "weights", "biases"] }

    func field(_ name: String) -> Value? {
        guard let l = layer else { return nil }
        switch name {
        case "index": return .number(Double(index))
        case "inputs": return .number(Double(l.inputs))
        case "outputs": return .number(Double(l.outputs))
        case "activation": return .string(l.activation.name)
        case "parameters": return .number(Double(l.parameterCount))
        case "dropout": return .number(l.inputDropout)
        case "weights":
            return .object(MatrixObject(net.network.weights(layer: index), precision: net.network.precision,
                                        title: "layer \(index) weights", rowTitle: "input", columnTitle: "output"))
        case "biases":
            return .object(MatrixObject(net.network.biases(layer: index), precision: net.network.precision,
                                        title: "layer \(index) biases", rowTitle: "", columnTitle: "output"))
        default: return nil
        }
    }

    func unavailable(_ name: String) -> String? {
        layer == nil ? "layer \(index) is no longer in its network (it has \(counted(net.network.layers.count, "layer")) now)" : nil
    }

    var shortDescription: String {
        guard let l = layer else { return "<layer \(index), removed>" }
        return "<layer \(index): dense \(l.inputs)→\(l.outputs) \(l.activation.name), \(l.parameterCount) parameters"
            + (l.inputDropout > 0 ? ", dropout \(formatNumber(l.inputDropout)) before it" : "") + ">"
    }
}

extension NetworkObject {
    /// `net.layers`: its dense layers, input side first.
    var layerList: Value {
        .list(network.layers.indices.map { .object(LayerObject(self, index: $0)) })
    }
}
