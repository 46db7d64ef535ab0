import Engine
import ModelFiles

/// `export net "x.safetensors"`, `export net "x.npz"`, `export net "x.onnx"`: the weights in the
/// safetensors layout or as NumPy arrays, or the whole network as an ONNX model, for PyTorch,
/// NumPy, onnxruntime and others.
struct ExportCommand: Command {
    static let name = "export"
    static let group = CommandGroup.files
    static let summary = "Write a network's weights as a safetensors file or NumPy .npz arrays, or the network as an ONNX model (for PyTorch, NumPy, onnxruntime)."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("file", .path, help: "the file to write (replaced atomically), *.safetensors, *.npz for NumPy, or *.onnx").writing(),
    ]
    static let example = """
        net = network 2
        add net dense 3 relu
        add net dense 1 linear
        export net "/tmp/net.safetensors"
        """
    static let details = """
        Tensors layers.<i>.weight ([outputs, inputs], PyTorch nn.Linear's orientation) and
        layers.<i>.bias ([outputs]), F32 or F64 as the network's precision. The activations,
        cost, input standardisation and class names go into the file's metadata, so import
        rebuilds the same network; optimiser state and history are not exported (use save).
        In PyTorch: safetensors.torch.load_file("net.safetensors"). See docs/FORMAT.md.
        A .npz file holds the same weight and bias arrays under the same names, without the
        metadata (numpy.load("net.npz")["layers.0.weight"]); import does not read it back.
        A .onnx file is the whole network as an ONNX model (opset 13) that onnxruntime runs:
        input "input" [batch, inputs], output "output" [batch, outputs], a Gemm per dense layer
        and its activation, dropout left out (the identity at inference); an input
        standardisation becomes Sub and Div nodes, so it takes raw features. The same metadata
        as safetensors goes into its metadata_props; import reads it back. See docs/INTEROP.md.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let path = try a.string("file")
        do {
            if path.lowercased().hasSuffix(".npz") {
                try ModelFile.exportNumPy(net.network, to: path)
            } else if path.lowercased().hasSuffix(".onnx") {
                try ModelFile.exportONNX(net.network, to: path, preprocessing: net.preprocessing)
            } else {
                try ModelFile.exportSafeTensors(net.network, to: path, preprocessing: net.preprocessing)
            }
        } catch {
            throw CommandError(error, parameter: "file")
        }
        shell.print("exported \(net.shape) to \(path)")
        return .none
    }
}
