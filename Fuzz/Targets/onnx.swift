// libFuzzer target: ONNX models (`import "x.onnx"`). Input: the bytes of a .onnx file.
// Walks them with the protobuf reader, decodes them as a model (ONNXGraph) and reads that as a
// network (ONNXImport); a network that imports must export again (ONNXModel) and import from
// that to the same network. Then the file is used through the language, each use on its own:
// imported, summarised, printed, predicted with, saved as a model file and loaded back,
// exported as ONNX and imported again.
// Built and run by Scripts/fuzz.sh onnx SECONDS.
import Engine
@testable import ModelFiles
@testable import Shell

/// The uses, one statement each.
private let uses = [
    #"i = import "x.onnx""#, "summary i", "print i", "print (predict i [1, 2, 3])", #"save i "c.nnm""#,
    #"j = load "c.nnm""#, #"export i "c.onnx""#, #"k = import "c.onnx""#, #"export i "c.safetensors""#,
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var reader = ProtobufReader(bytes)
    while let field = try? reader.next() {
        if case .bytes(let range) = field.value {
            _ = try? reader.string(range, for: "fuzz")
            _ = try? reader.packedVarints(range)
        }
    }
    if let graph = try? ONNXGraph.decode(bytes), let loaded = try? ONNXImport.network(graph) {
        let again = ONNXModel.bytes(loaded.network, preprocessing: loaded.preprocessing)
        guard let back = try? ONNXImport.network(ONNXGraph.decode(again)) else {
            preconditionFailure("an imported network must export to a model that imports")
        }
        precondition(back.network.description == loaded.network.description && back.preprocessing == loaded.preprocessing,
                     "export then import must give the same network")
    }
    resetSandbox()
    writeSandboxFile("x.onnx", bytes)
    runEach(uses)
    return 0
}
