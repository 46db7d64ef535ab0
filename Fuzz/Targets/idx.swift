// libFuzzer target: IDX files (`idx`, `mnist`). Input: the bytes of an IDX file, raw or gzip'ed.
// `IDX.read` takes a path (it streams and checks the header against the file's size), so each
// input is written to one file in a private folder in /dev/shm (memory, not disk) and read
// back through the real entry point; the dataset pairing of images and labels runs on the result.
// An array that reads is then used as a person would, through the language: as images with
// the fixture labels, as labels of the fixture images, printed and shown, each on its own.
// Built and run by Scripts/fuzz.sh idx SECONDS.
import Foundation
import Data
@testable import Shell

/// The uses, one statement each.
private let uses = [
    #"d = idx "x.idx""#, "print d", "show d 0", #"e = idx "x.idx" "labels.idx""#, "show e 0 count=3",
    #"f = idx "images.idx" "x.idx""#, "print f", "show f 0",
]

private let path: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return base + "/nnsh-fuzz-idx-\(getpid()).idx"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let file = fopen(path, "wb") else { return 0 }
    fwrite(data, 1, size, file)
    fclose(file)
    defer { unlink(path) }
    guard let array = try? IDX.read(path: path) else { return 0 }
    _ = array.shapeDescription
    if array.count > 0 { _ = array.value(at: array.count - 1) }
    // As `idx images labels` would pair them: the array with itself as labels, and alone.
    _ = try? Dataset.fromIDX(images: array, imagesFile: path, labels: array, labelsFile: path, name: "fuzz")
    _ = try? Dataset.fromIDX(images: array, imagesFile: path, labels: nil, labelsFile: nil, name: "fuzz")
    resetSandbox()
    writeSandboxFile("x.idx", Array(UnsafeBufferPointer(start: data, count: size)))
    runEach(uses)
    return 0
}
