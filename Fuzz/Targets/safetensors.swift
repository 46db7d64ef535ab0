// libFuzzer target: safetensors files (`import`). Input: the bytes of a .safetensors file.
// Decodes them, then builds a network, once with the file's own nnsh.* metadata and once with
// activations given by the caller (as `import ... activations=[...]` does for foreign files).
// A file that decodes is then used through the language, each use on its own: imported,
// summarised, printed, saved as a model file and loaded back, exported again.
// Built and run by Scripts/fuzz.sh safetensors SECONDS.
import Engine
@testable import ModelFiles
@testable import Shell

/// The uses, one statement each.
private let uses = [
    #"i = import "x.safetensors""#, #"i = import "x.safetensors" activations=["relu", "softmax"]"#,
    "summary i", "print i", #"save i "c.nnm""#, #"j = load "c.nnm""#, #"export i "c.safetensors""#,
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? SafeTensorsFile.decode(bytes) else { return 0 }
    _ = try? file.network()
    let layerCount = max(1, file.tensors.filter { $0.name.hasSuffix("weight") }.count)
    _ = try? file.network(activations: Array(repeating: .relu, count: min(layerCount, 64)))
    // A decoded file must encode again (the writer's own checks must accept what the reader did).
    _ = try? file.encode()
    resetSandbox()
    writeSandboxFile("x.safetensors", bytes)
    runEach(uses)
    return 0
}
