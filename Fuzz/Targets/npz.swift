// libFuzzer target: NumPy files (`npz`, `npy`). Input: the bytes of a .npz archive or a .npy
// array. Decodes them as an archive and as one array; an archive that decodes must encode
// again and decode to the same arrays, and is read as a dataset by the NumPy rules. Then the
// file is used through the language, each use on its own: read as a dataset both ways, printed,
// saved as .npz and read back.
// Built and run by Scripts/fuzz.sh npz SECONDS.
@testable import Data
@testable import Engine
@testable import ModelFiles
@testable import Shell

/// The uses, one statement each.
private let uses = [
    #"d = npz "x.npz""#, #"d = npz "x.npz" inputs="x_train" labels="y_train""#, #"e = npy "x.npz""#,
    #"f = npy "x.npz" "x.npz""#, #"save (npz "x.npz") "c.npz""#, #"g = npz "c.npz""#, #"print (npz "x.npz")"#,
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let array = try? NumPyArray.decode(bytes) {
        _ = array.strings
        if array.count > 0 { _ = array.value(at: array.count - 1); _ = array.integer(at: 0) }
        _ = try? Dataset.fromNumPy(inputs: array, inputsFile: "x.npy", labels: array, labelsFile: "x.npy", name: "fuzz")
        precondition((try? NumPyArray.decode(array.encode())) == array, "a decoded array must encode to the same array")
    }
    if let archive = try? NumPyArchive.decode(bytes) {
        if let again = try? archive.encode() {
            precondition((try? NumPyArchive.decode(again)) == archive, "a decoded archive must encode to the same archive")
        }
    }
    resetSandbox()
    writeSandboxFile("x.npz", bytes)
    runEach(uses)
    return 0
}
