import Testing
@testable import Data

/// Readers ask their `shouldStop` between chunks (16 MiB of a file, 1024 CSV rows) and throw
/// `.stopped` when it says true, returning nothing. `shouldStop` turns true after a given
/// number of calls: no clocks involved.
@Suite struct StopReadingTests {
    /// A `shouldStop` that says true from its `after + 1`-th call on, counting its calls.
    final class StopAfter {
        let after: Int
        private(set) var calls = 0
        init(_ after: Int) { self.after = after }
        func check() -> Bool {
            calls += 1
            return calls > after
        }
    }

    /// A 1-D uint8 IDX file of 16 MiB + 5 bytes: two chunks.
    @Test func idxStopsBetweenChunks() throws {
        let dir = TemporaryDirectory()
        let count = (1 << 24) + 5
        let path = dir.write("big-idx1-ubyte", idxFile(type: 0x08, dimensions: [count], payload: [UInt8](repeating: 7, count: count)))
        let stop = StopAfter(1)
        do {
            _ = try IDX.read(path: path, shouldStop: stop.check)
            Issue.record("the read ran to the end")
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.message == "stopped after reading 16777216 bytes")
            #expect(error.file == path)
        }
        #expect(stop.calls == 2)
        #expect(try IDX.read(path: path, shouldStop: StopAfter(2).check).dimensions == [count])
    }

    /// 3000 rows: the file in one chunk (asked before it and before the end), then every 1024 rows.
    @Test func csvStopsBetweenRows() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("rows.csv", text: "x,y\n" + (0..<3000).map { "\($0),\($0 % 3)\n" }.joined())
        do {
            _ = try CSV.load(path: path, options: CSVOptions(label: "y"), shouldStop: StopAfter(3).check)
            Issue.record("the read ran to the end")
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.message == "stopped after 1024 rows")
        }
        do {
            _ = try CSV.load(path: path, options: CSVOptions(label: "y"), shouldStop: StopAfter(0).check)
            Issue.record("the read ran to the end")
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.message == "stopped after reading 0 bytes")
        }
        #expect(try CSV.load(path: path, options: CSVOptions(label: "y"), shouldStop: StopAfter(5).check).count == 3000)
    }

    @Test func mnistAndIDXDatasetsStop() throws {
        let dir = TemporaryDirectory()
        writeFakeMNIST(in: dir, prefix: "train", count: 7)
        writeFakeMNIST(in: dir, prefix: "t10k", count: 3)
        // One chunk per file: images then labels of train, then of test.
        for after in 0..<4 {
            #expect(throws: DataError.self) { try MNIST.load(directory: dir.path, shouldStop: StopAfter(after).check) }
        }
        #expect(try MNIST.load(directory: dir.path, shouldStop: StopAfter(4).check).test.count == 3)
        let images = dir.file("train-images-idx3-ubyte"), labels = dir.file("train-labels-idx1-ubyte")
        do {
            _ = try Dataset.loadIDX(images: images, labels: labels, shouldStop: StopAfter(1).check)
            Issue.record("the read ran to the end")
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.file == labels)
        }
    }
}
