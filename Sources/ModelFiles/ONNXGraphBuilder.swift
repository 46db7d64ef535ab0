import Engine
/// An ONNX graph being written layer by layer (`ONNXModel`): its nodes and initializers, and
/// the value the next layer reads. Each layer kind adds its nodes through its entry
/// (`LayerEntry.onnx`) with these steps, so the shapes between them are handled in one place.
struct ONNXGraphBuilder<T: Scalar> {
    typealias Node = ONNXModel.Node
    typealias Attribute = ONNXModel.Attribute

    /// FLOAT or DOUBLE: the network's precision.
    let dataType: Int64
    var nodes: [Node] = []
    /// Tensors of the network's precision.
    var initializers: [(name: String, dims: [Int], values: [T])] = []
    /// INT64 tensors (`Reshape`'s target shapes).
    var shapes: [(name: String, dims: [Int64])] = []
    /// The value the next node reads.
    var current: String
    /// True when `current` is [batch, channels, height, width], false when [batch, values].
    var isImage = false

    init(input: String, dataType: Int64) {
        self.current = input
        self.dataType = dataType
    }

    /// Appends `op` reading `current` (then `inputs`), writing `output`, which becomes current.
    mutating func add(_ op: String, _ inputs: [String] = [], output: String, _ attributes: [Attribute] = []) {
        nodes.append(Node(opType: op, inputs: [current] + inputs, output: output, attributes: attributes))
        current = output
    }

    /// [batch, values] from here on: `Flatten(axis=1)` of an image (channel by channel, row by
    /// row, as nnsh holds it); nothing when it is flat already.
    mutating func flat(_ layer: String) {
        guard isImage else { return }
        add("Flatten", output: "\(layer).flat", [Attribute(name: "axis", value: .int(1))])
        isImage = false
    }

    /// [batch, channels, height, width] from here on: `Reshape` of flat values (the target
    /// shape an INT64 initializer `<layer>.image`); nothing when it is an image already.
    mutating func image(_ layer: String, _ shape: Shape) {
        guard !isImage else { return }
        shapes.append(("\(layer).image", [-1] + shape.dimensions.map { Int64($0) }))
        add("Reshape", ["\(layer).image"], output: "\(layer).input")
        isImage = true
    }

    /// The activation's node (none for linear), its output named for it: `Relu`, `Sigmoid`,
    /// `Tanh`, `Softmax(axis=1)`, `LeakyRelu(alpha)`; leaky ReLU in float64 as
    /// `Relu(z) − α·Relu(−z)` (LeakyRelu's alpha is a float attribute and onnxruntime has no
    /// double kernel for it), which is z for z > 0 and exactly α·z otherwise.
    mutating func activation(_ a: Activation, _ layer: String) {
        let output = "\(layer).\(a.name)"
        switch a {
        case .linear: break
        case .relu: add("Relu", output: output)
        case .sigmoid: add("Sigmoid", output: output)
        case .tanh: add("Tanh", output: output)
        case .softmax: add("Softmax", output: output, [Attribute(name: "axis", value: .int(1))])
        case .leakyReLU(let alpha) where dataType == ONNXModel.DataType.float:
            add("LeakyRelu", output: output, [Attribute(name: "alpha", value: .float(Float(alpha)))])
        case .leakyReLU(let alpha):
            let z = current
            initializers.append(("\(layer).alpha", [], [T(alpha)]))
            add("Relu", output: "\(layer).positive")
            current = z
            add("Neg", output: "\(layer).negated")
            add("Relu", output: "\(layer).negative")
            add("Mul", ["\(layer).alpha"], output: "\(layer).scaled")
            current = "\(layer).positive"
            add("Sub", ["\(layer).scaled"], output: output)
        }
    }
}
