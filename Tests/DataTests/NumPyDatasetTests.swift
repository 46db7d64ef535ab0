import Engine
import ModelFiles
import Testing
@testable import Data

/// Datasets written as `.npz` arrays read back the same; foreign arrays read by the IDX rules.
@Suite struct NumPyDatasetTests {
    private func readBack(_ d: Dataset) throws -> Dataset {
        let dir = TemporaryDirectory()
        let path = dir.file("d.npz")
        try d.numpyArchive().write(to: path)
        return try Dataset.loadNumPy(archive: path)
    }

    @Test func pixelImagesWithUnseenClassesComeBack() throws {
        var rng = RandomGenerator(seed: 7)
        let bytes = (0..<(5 * 6)).map { _ in UInt8(rng.nextUniform() * 256) }
        let d = try Dataset(name: "p", features: .pixels(bytes), inputWidth: 6,
                            targets: .classes(labels: [3, 0, 2, 3, 1], classCount: 10),
                            imageShape: ImageShape(rows: 2, columns: 3))
        expectSameDataset(try readBack(d), d)
        let archive = d.numpyArchive()
        #expect(archive.keys == ["inputs", "labels", "class_names"])
        #expect(archive["inputs"]?.shape == [5, 2, 3] && archive["inputs"]?.dtype == .uint8)
        #expect(archive["labels"] == NumPyArray(shape: [5], int64: [3, 0, 2, 3, 1]))
        #expect(archive["class_names"]?.strings == (0..<10).map(String.init))
    }

    @Test func namedClassesAndFloatsComeBack() throws {
        let d = try Dataset(name: "f", features: .float([1, -2.5, 3e-8, .greatestFiniteMagnitude]), inputWidth: 2,
                            targets: .classes(labels: [1, 0], classCount: 3), classNames: ["Trouser", "T-shirt/top", "ünï"])
        expectSameDataset(try readBack(d), d)
    }

    @Test func regressionTargetsComeBack() throws {
        let d = try Dataset(name: "r", features: .double([0.1, 0.2, 0.3]), inputWidth: 1,
                            targets: .values(Matrix(rows: 3, columns: 2, storage: [1, 2, 3, 4, 5, 6])))
        expectSameDataset(try readBack(d), d)
        #expect(d.numpyArchive().keys == ["inputs", "targets"])
    }

    /// Keras' mnist.npz names: x_test (uint8 count×28×28) and y_test (uint8 labels).
    @Test func foreignArraysByName() throws {
        let dir = TemporaryDirectory()
        var archive = NumPyArchive()
        archive["x_test"] = NumPyArray(shape: [2, 2, 2], bytes: [0, 255, 1, 2, 3, 4, 5, 6])
        archive["y_test"] = NumPyArray(dtype: .uint8, shape: [2], data: [7, 2])
        let path = dir.file("mnist.npz")
        try archive.write(to: path)
        let d = try Dataset.loadNumPy(archive: path, inputs: "x_test", labels: "y_test")
        #expect(d.features == .pixels([0, 255, 1, 2, 3, 4, 5, 6]) && d.imageShape == ImageShape(rows: 2, columns: 2))
        #expect(d.targets == .classes(labels: [7, 2], classCount: 8))
        #expect(throws: DataError(.malformed, file: path, "no array 'inputs' (the archive holds arrays x_test, y_test); name the examples with inputs=")) {
            try Dataset.loadNumPy(archive: path)
        }
        #expect(throws: DataError(.malformed, file: path, "no array 'y' (the archive holds arrays x_test, y_test)")) {
            try Dataset.loadNumPy(archive: path, inputs: "x_test", labels: "y")
        }
    }

    @Test func npyFilesAndTheirErrors() throws {
        let dir = TemporaryDirectory()
        let x = dir.file("x.npy"), y = dir.file("y.npy"), wide = dir.file("wide.npy"), text = dir.file("text.npy")
        try NumPyArchive.write(NumPyArray(shape: [3, 2], values: [1, 2, 3, 4, 5, 6] as [Double]), to: x)
        try NumPyArchive.write(NumPyArray(shape: [3], int64: [0, 2, 1]), to: y)
        try NumPyArchive.write(NumPyArray(shape: [3], int64: [0, 1 << 40, 1]), to: wide)
        try NumPyArchive.write(NumPyArray(strings: ["a", "b", "c"]), to: text)
        let d = try Dataset.loadNPY(examples: x, labels: y)
        #expect(d.features == .double([1, 2, 3, 4, 5, 6]) && d.targets == .classes(labels: [0, 2, 1], classCount: 3))
        #expect(throws: DataError(.badValue, file: wide, "element 1 (1099511627776.0) is beyond the int32 range nnsh reads from int64 arrays")) {
            try Dataset.loadNPY(examples: x, labels: wide)
        }
        #expect(throws: DataError(.badValue, file: text, "a text array (3 <U1) cannot be examples, labels or targets")) {
            try Dataset.loadNPY(examples: text, labels: nil)
        }
        let two = dir.write("two.npy", NumPyArray(shape: [2, 2], values: [1, 2, 3, 4] as [Float]).encode())
        #expect(throws: DataError(.countMismatch, file: y, "3 labels but \(two) has 2 examples")) {
            try Dataset.loadNPY(examples: two, labels: y)
        }
    }
}
