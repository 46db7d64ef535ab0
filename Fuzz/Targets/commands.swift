// libFuzzer target: random sequences of commands on loaded objects. Where the `shell` target
// feeds arbitrary text (which rarely parses into a long run of valid commands), this one reads
// its input as a sequence of choices: each byte picks a statement from `statements` below and
// the next byte fills its number `#`, so every input is a session of well-formed commands on a
// loaded digit model, a regression network, image and CSV datasets, a convolutional network
// over 9×9 images (im2col, Winograd, pooling, batch norm), and their results, in any order
// (train then pop a layer then evaluate, save then load, and so on).
// Built and run by Scripts/fuzz.sh commands SECONDS.
import Foundation
@testable import Shell

/// Run first, every time: the objects the statements use.
private let setup = [
    #"m = load "m.nnm""#, #"r = load "r.nnm""#, #"d = idx "images.idx" "labels.idx""#,
    #"f = csv "flowers.csv""#, "g = runge n=20 noise=0.1 seed=1", "n = network 1",
    #"e = idx "small.idx" "smalllabels.idx""#, "c = network e",
]

/// The statements an input chooses from; `#` is replaced by the byte after the choice.
private let statements = [
    "add n dense # tanh", "add n dense 1 linear", "add n dropout 0.#", "summary n", "summary m",
    "train n g epochs=1 batch=#", "train m d epochs=1", "resume n g", "eval n g", "eval m d",
    "errors m d", "predict n g", "predict m d", "show d #", "show d 0 count=#", "print m.history",
    "print n.history", "plot n.history", "plot n g", "gradcheck n g", "info \"m.nnm\"",
    #"save n "n.nnm""#, #"n = load "n.nnm""#, #"export m "m2.safetensors""#, #"i = import "m2.safetensors""#,
    #"save m "m.nnm""#, "d = take d #", "d = shuffle d seed=#", "p = split g 0.#", "g = standardize g",
    "f = onehot f", "q = poly g #", "o = ols g", "o = ridge g 0.#", "o = lasso g 0.#",
    "h = heatmap m.layers", "inspect m", "classify m \"digit.png\"", "c = best", "vars",
    "set seed #", "set precision \"float64\"", "set precision \"float32\"", "x = [#, #]",
    "print \"{#:d}\"", "print \"{# / 7:.3f}\"", "k = folds g #", "n = network #", "r = load \"r.nnm\"",
    "train r g epochs=1", "print len(n.layers)",
    "add c conv # 3 relu", "add c conv # 3 tanh pad=1", "add c conv # 3 relu stride=2", "add c conv 4 5 relu pad=\"same\"", "add c conv 2 # relu",
    "add c maxpool #", "add c batchnorm", "add c flatten", "add c dense 3 softmax", "add c dropout 0.#",
    "train c e epochs=1 batch=#", "eval c e", "predict c e", "inspect c e", "show e 0 net=c layer=#", "summary c",
    "gradcheck c e", #"save c "c.nnm""#, #"c = load "c.nnm""#, #"export c "c.onnx""#, "c = network e", "pop c",
    "set threads #", "set threads auto",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count <= 64 else { return -1 }   // a session of at most 32 statements
    resetSandbox()
    let session = runEach(setup)
    var i = 0
    while i < bytes.count {
        let template = statements[Int(bytes[i]) % statements.count]
        let number = i + 1 < bytes.count ? Int(bytes[i + 1]) : 1
        runInSandbox(template.replacingOccurrences(of: "#", with: String(number)), session: session)
        i += 2
    }
    return 0
}
