// libFuzzer target: CSV files (`csv`). Input: the bytes of a CSV file. It is read as the `csv`
// command reads it, with and without a label column, as pixels, and as regression targets; a
// dataset that reads is then used: printed, shown, split, standardised and trained on for an
// epoch of a small network, each on its own.
// Built and run by Scripts/fuzz.sh csv SECONDS.
import Foundation
@testable import Shell

/// The readings, then the uses of whatever `d` holds; one statement each.
private let uses = [
    #"d = csv "x.csv""#,
    #"d = csv "x.csv" label=-1"#,
    #"d = csv "x.csv" label=0 pixels"#,
    #"d = csv "x.csv" target=-1 header=false"#,
    #"d = csv "x.csv" label=0 delimiter=";""#,
    "print d", "show d 0", "p = split d 0.5 seed=1", "s = standardize d", "t = take d 3",
    "net = network d.inputs", "add net dense 3 tanh", "add net dense d.outputs linear",
    "train net d epochs=1 batch=2", "eval net d",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    resetSandbox()
    writeSandboxFile("x.csv", Array(UnsafeBufferPointer(start: data, count: size)))
    runEach(uses)
    return 0
}
