import Foundation
import Testing

/// Runs Scripts/fetch-mnist.sh with `arguments`, installing into `destination`.
private func runFetch(_ arguments: [String], destination: String) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["bash", packageRoot() + "/Scripts/fetch-mnist.sh"] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["MNIST_DEST"] = destination
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, stdout, stderr)
}

@Suite struct FetchScriptTests {
    @Test func refusesAFileWithTheWrongChecksum() throws {
        let source = TemporaryDirectory(), destination = TemporaryDirectory()
        // Right names, wrong contents: a valid IDX header with too few images.
        source.write("train-images-idx3-ubyte", idxFile(type: 0x08, dimensions: [1, 28, 28], payload: [UInt8](repeating: 7, count: 784)))
        source.write("train-labels-idx1-ubyte", idxFile(type: 0x08, dimensions: [1], payload: [3]))
        source.write("t10k-images-idx3-ubyte", idxFile(type: 0x08, dimensions: [1, 28, 28], payload: [UInt8](repeating: 7, count: 784)))
        source.write("t10k-labels-idx1-ubyte", idxFile(type: 0x08, dimensions: [1], payload: [3]))
        let result = try runFetch([source.path], destination: destination.file("mnist"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("refusing \(source.path)/train-images-idx3-ubyte: MD5"))
        #expect(result.stderr.contains("6bbc9ace898e44ae57da46a324031adb"))   // the official sum is shown
        #expect(!FileManager.default.fileExists(atPath: destination.file("mnist/train-images-idx3-ubyte")))
    }

    @Test func refusesAGzippedFileWithTheWrongChecksum() throws {
        let source = TemporaryDirectory(), destination = TemporaryDirectory()
        for name in ["train-images", "train-labels", "t10k-images", "t10k-labels"] {
            let kind = name.hasSuffix("images") ? "idx3" : "idx1"
            source.writeGzip("\(name).\(kind)-ubyte.gz", Array("not mnist".utf8))
        }
        let result = try runFetch([source.path], destination: destination.file("mnist"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("refusing \(source.path)/train-images.idx3-ubyte.gz: MD5"))
        #expect(result.stderr.contains("f68b3c2dcbeaaa9fbdd348bbdeb94873"))   // the official .gz sum
    }

    @Test func namesAMissingFile() throws {
        let source = TemporaryDirectory(), destination = TemporaryDirectory()
        let result = try runFetch([source.path], destination: destination.file("mnist"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("has no train-images-idx3-ubyte"))
    }

    /// With the real files in Data/mnist: copying them succeeds, says where from, and a second
    /// run is silent.
    @Test func copiesValidFilesAndIsQuietTheSecondTime() throws {
        let real = packageRoot() + "/Data/mnist"
        guard FileManager.default.fileExists(atPath: real + "/train-images-idx3-ubyte") else {
            print("copiesValidFilesAndIsQuietTheSecondTime: skipped, \(real) is absent (run Scripts/fetch-mnist.sh)")
            return
        }
        let destination = TemporaryDirectory()
        let first = try runFetch([real], destination: destination.file("mnist"))
        #expect(first.status == 0)
        #expect(first.stdout.contains("filled from \(real)"))
        let second = try runFetch([], destination: destination.file("mnist"))
        #expect(second.status == 0)
        #expect(second.stdout.isEmpty && second.stderr.isEmpty)
    }
}
