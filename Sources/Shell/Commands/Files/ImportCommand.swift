import Engine
import ModelFiles

/// `m = import "x.safetensors"`, `m = import "x.onnx"`: a network from a safetensors file or
/// an ONNX model of dense layers.
struct ImportCommand: Command {
    static let name = "import"
    static let group = CommandGroup.files
    static let summary = "A network from a safetensors file (written by export, or by PyTorch with activations=) or an ONNX model of dense layers."
    static let parameters: [Parameter] = [
        .positional("file", .path, help: "the safetensors file, or an ONNX model (*.onnx)"),
        .option("activations", .list, help: "one activation per layer, e.g. [relu, softmax] (needed when the file does not name them)"),
        .option("cost", .word(Cost.allCases.map(\.rawValue)), help: "mse, cross_entropy or binary_cross_entropy (default: the file's, else the output activation's default)"),
    ]
    static let example = """
        net = network 2
        add net dense 3 relu
        add net dense 1 linear
        export net "/tmp/net.safetensors"
        m = import "/tmp/net.safetensors"
        """
    static let details = """
        Tensors named <prefix><n>.weight ([outputs, inputs]) and <prefix><n>.bias, in F16, BF16,
        F32 or F64; a file with any F64 tensor gives a float64 network. safetensors cannot say
        which activations a network uses: files written by nnsh carry them in their metadata;
        for others give activations=[...], which also overrides the file's. The same goes for
        the cost (cost=). The imported network has no history or optimiser state.
        A .onnx file is read as an ONNX model (opsets 7 to 22) of one chain of dense layers:
        Gemm, or MatMul and Add, each followed by Relu, LeakyRelu, Sigmoid, Tanh, Softmax or
        nothing; Identity and Dropout anywhere; Flatten, and Sub and Div (a standardisation),
        at the input. Its graph names the activations (activations= is refused); float32 or
        float64 weights. Dense networks written by export import back as they were; any
        other operator (a conv network's Reshape and Conv too) is refused by name. See
        docs/INTEROP.md.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let path = try a.string("file")
        var activations: [Activation]?
        if a.has("activations") {
            var list: [Activation] = []
            for item in try a.list("activations") {
                guard case .string(let name) = item else {
                    throw CommandError("activations: expected activation names, got \(item.typeDescription)", parameter: "activations")
                }
                do { list.append(try Activation(parsing: name)) } catch { throw CommandError(error, parameter: "activations") }
            }
            activations = list
        }
        let isONNX = path.lowercased().hasSuffix(".onnx")
        if isONNX, activations != nil {
            throw CommandError("activations: an ONNX model's graph names its activations; leave activations= out", parameter: "activations")
        }
        let loaded: LoadedNetwork
        do {
            loaded = isONNX ? try ModelFile.importONNX(path) : try ModelFile.importSafeTensors(path, activations: activations)
        } catch {
            throw CommandError(error, parameter: "file")
        }
        if let c = try a.optionalString("cost") {
            do { try loaded.network.setCost(Cost(rawValue: c)) } catch {
                throw CommandError("\(path): \(error.message)", parameter: "cost")
            }
        }
        let net = NetworkObject(loaded: loaded)
        net.log = ["import \"\(path)\""]
        return .object(net)
    }
}
