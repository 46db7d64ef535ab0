// libFuzzer target: safetensors files (`import`). Input: the bytes of a .safetensors file.
// Decodes them, then builds a network, once with the file's own nnsh.* metadata and once with
// activations given by the caller (as `import ... activations=[...]` does for foreign files).
// Built and run by Scripts/fuzz.sh safetensors SECONDS.
import Engine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? SafeTensorsFile.decode(bytes) else { return 0 }
    _ = try? file.network()
    let layerCount = max(1, file.tensors.filter { $0.name.hasSuffix("weight") }.count)
    _ = try? file.network(activations: Array(repeating: .relu, count: min(layerCount, 64)))
    // A decoded file must encode again (the writer's own checks must accept what the reader did).
    _ = try? file.encode()
    return 0
}
