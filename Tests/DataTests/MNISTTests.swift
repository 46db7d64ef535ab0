import Engine
import Foundation
import Testing
@testable import Data

/// MNIST-shaped folders built by the tests: `count` images of `rows × columns` whose pixel
/// (i, k) is `(i * 31 + k) % 256`, and labels `i % 10`.
func writeFakeMNIST(
    in dir: TemporaryDirectory, prefix: String, count: Int, labels labelCount: Int? = nil,
    dotted: Bool = false, gzip: Bool = false, labelValues: [UInt8]? = nil
) {
    let pixels = (0..<count * 12).map { (k: Int) -> UInt8 in
        let i = k / 12, pixel = k % 12
        return UInt8((i * 31 + pixel) % 256)
    }
    let images = idxFile(type: 0x08, dimensions: [count, 3, 4], payload: pixels)
    let n = labelCount ?? count
    let labels = idxFile(type: 0x08, dimensions: [n], payload: labelValues ?? (0..<n).map { UInt8($0 % 10) })
    let sep = dotted ? "." : "-"
    let gz = gzip ? ".gz" : ""
    if gzip {
        dir.writeGzip("\(prefix)-images\(sep)idx3-ubyte\(gz)", images)
        dir.writeGzip("\(prefix)-labels\(sep)idx1-ubyte\(gz)", labels)
    } else {
        dir.write("\(prefix)-images\(sep)idx3-ubyte", images)
        dir.write("\(prefix)-labels\(sep)idx1-ubyte", labels)
    }
}

@Suite struct MNISTTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func loadsBothNamingsPlainOrGzipped(dotted: Bool, gzip: Bool) throws {
        let dir = TemporaryDirectory()
        writeFakeMNIST(in: dir, prefix: "train", count: 7, dotted: dotted, gzip: gzip)
        writeFakeMNIST(in: dir, prefix: "t10k", count: 3, dotted: dotted, gzip: gzip)
        let (train, test) = try MNIST.load(directory: dir.path)
        #expect(train.count == 7 && test.count == 3)
        #expect(train.inputWidth == 12 && train.imageShape == ImageShape(rows: 3, columns: 4))
        #expect(train.targetWidth == 10 && train.classCount == 10)
        #expect(train.labels == [0, 1, 2, 3, 4, 5, 6])
        #expect(train.features.precisionName == "bytes")
        #expect(train.name == "mnist-train" && test.name == "mnist-test")
        #expect(close(train.feature(2, 5), Double((2 * 31 + 5) % 256) / 255))
    }

    @Test func fillBatchScalesPixelsAndOneHotsLabels() throws {
        let dir = TemporaryDirectory()
        writeFakeMNIST(in: dir, prefix: "train", count: 5)
        let d = try MNIST.load(directory: dir.path, part: .train)
        let indices = [4, 1]
        var x = [Float](repeating: -1, count: 2 * 12)
        var y = [Float](repeating: -1, count: 2 * 10)
        indices.withUnsafeBufferPointer { idx in
            x.withUnsafeMutableBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in d.fillBatch(idx, inputs: xp.baseAddress!, targets: yp.baseAddress!) }
            }
        }
        for (row, i) in indices.enumerated() {
            for k in 0..<12 {
                #expect(abs(x[row * 12 + k] - Float((i * 31 + k) % 256) / 255) < 1e-6)
            }
            for c in 0..<10 { #expect(y[row * 10 + c] == (c == i % 10 ? 1 : 0)) }
        }
        // The same in double precision, through the matrix accessors.
        let m = d.featureMatrix(Double.self)
        #expect(m.rows == 5 && m.columns == 12)
        #expect(close(m[3, 7], Double((3 * 31 + 7) % 256) / 255))
        #expect(d.targetMatrix(Double.self)[3, 3] == 1)
    }

    @Test func imageAndLabelCountsMustAgree() throws {
        let dir = TemporaryDirectory()
        writeFakeMNIST(in: dir, prefix: "train", count: 6, labels: 5)
        let error = #expect(throws: DataError.self) { try MNIST.load(directory: dir.path, part: .train) }
        #expect(error?.kind == .countMismatch)
        #expect(error?.description.contains("train-labels-idx1-ubyte") == true)
        #expect(error?.description.contains("train-images-idx3-ubyte") == true)
    }

    @Test func labelsMustBeDigits() throws {
        let dir = TemporaryDirectory()
        writeFakeMNIST(in: dir, prefix: "train", count: 3, labelValues: [1, 12, 3])
        let error = #expect(throws: DataError.self) { try MNIST.load(directory: dir.path, part: .train) }
        #expect(error?.kind == .badValue)
        #expect(error?.description.contains("label 12 of example 1") == true)
    }

    @Test func missingFilesAreNamed() throws {
        let dir = TemporaryDirectory()
        writeFakeMNIST(in: dir, prefix: "train", count: 3)
        let error = #expect(throws: DataError.self) { try MNIST.load(directory: dir.path) }
        #expect(error?.kind == .cannotRead)
        #expect(error?.description.contains("t10k-images-idx3-ubyte") == true)
    }

    @Test func imagesMustBeThreeDimensionalBytes() throws {
        let dir = TemporaryDirectory()
        dir.write("train-images-idx3-ubyte", idxFile(type: 0x08, dimensions: [2, 4], payload: [UInt8](repeating: 0, count: 8)))
        dir.write("train-labels-idx1-ubyte", idxFile(type: 0x08, dimensions: [2], payload: [0, 1]))
        let error = #expect(throws: DataError.self) { try MNIST.load(directory: dir.path, part: .train) }
        #expect(error?.kind == .malformed)
    }

    /// The real MNIST in Data/mnist (Scripts/fetch-mnist.sh puts it there).
    @Test func loadsRealMNISTWhenPresent() throws {
        let dir = packageRoot() + "/Data/mnist"
        guard FileManager.default.fileExists(atPath: dir + "/train-labels-idx1-ubyte")
            || FileManager.default.fileExists(atPath: dir + "/train-labels-idx1-ubyte.gz") else {
            print("loadsRealMNISTWhenPresent: skipped, \(dir) is absent (run Scripts/fetch-mnist.sh)")
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        let (train, test) = try MNIST.load(directory: dir)
        print("loadsRealMNISTWhenPresent: loaded 70000 images in \(clock.now - start)")
        #expect(train.count == 60000 && test.count == 10000)
        #expect(train.imageShape == ImageShape(rows: 28, columns: 28) && train.inputWidth == 784)
        // Well-known facts of the official files: the first labels, and the class sizes.
        #expect(train.labels?.prefix(5) == [5, 0, 4, 1, 9])
        #expect(test.labels?.prefix(3) == [7, 2, 1])
        var perClass = [Int](repeating: 0, count: 10)
        for l in train.labels ?? [] { perClass[l] += 1 }
        #expect(perClass == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        guard case .pixels(let bytes) = train.features else {
            Issue.record("MNIST pixels should stay bytes"); return
        }
        #expect(bytes.count == 60000 * 784)
        let firstHundred = bytes.prefix(100 * 784)   // (the whole set is slow to scan in debug builds)
        #expect(firstHundred.max() == 255 && firstHundred.min() == 0)
    }

    /// Fashion-MNIST from Debian's dataset-fashion-mnist package, when installed.
    @Test func loadsFashionMNISTWhenInstalled() throws {
        guard FileManager.default.fileExists(atPath: MNIST.fashionDirectory) else {
            print("loadsFashionMNISTWhenInstalled: skipped, \(MNIST.fashionDirectory) is absent (apt-get install dataset-fashion-mnist)")
            return
        }
        let test = try MNIST.load(directory: MNIST.fashionDirectory, part: .test, variant: .fashion)
        #expect(test.count == 10000 && test.inputWidth == 784)
        #expect(test.name == "fashion-mnist-test")
        #expect(test.className(9) == "Ankle boot")
        var perClass = [Int](repeating: 0, count: 10)
        for l in test.labels ?? [] { perClass[l] += 1 }
        #expect(perClass == [Int](repeating: 1000, count: 10))
    }
}
