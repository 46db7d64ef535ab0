import Engine
import Testing
@testable import Data

/// `CSV.text(of:)` read back with `CSV.readingOptions(for:)` gives the same dataset.
@Suite struct CSVRoundTripTests {
    private func readBack(_ d: Dataset) throws -> Dataset {
        try CSV.parse(text: CSV.text(of: d), file: "x.csv", options: CSV.readingOptions(for: d))
    }

    @Test func pixelImagesComeBackAsBytes() throws {
        var rng = RandomGenerator(seed: 7)
        let bytes = (0..<(5 * 16)).map { _ in UInt8(rng.nextUniform() * 256) }
        let d = try Dataset(name: "p", features: .pixels(bytes), inputWidth: 16,
                            targets: .classes(labels: [3, 0, 9, 3, 1], classCount: 10),
                            imageShape: ImageShape(rows: 4, columns: 4))
        expectSameDataset(try readBack(d), d)
        #expect(CSV.text(of: d).hasPrefix("x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,x12,x13,x14,x15,label\n"))
        // 10 classes though 9 is the highest label seen: only because the count is given back.
        #expect(CSV.readingOptions(for: try d.slice(0..<2)).classes == .count(10))
    }

    @Test func floatsComeBackBitForBit() throws {
        var rng = RandomGenerator(seed: 8)
        let values = (0..<300).map { _ in Float(rng.nextUniform() * 2 - 1) * 1e-3 } + [Float.leastNormalMagnitude, 3.4e38, -0.0, 1]
        let d = try Dataset(name: "f", features: .float(values), inputWidth: 2,
                            targets: .classes(labels: (0..<152).map { $0 % 2 }, classCount: 2))
        expectSameDataset(try readBack(d), d)
    }

    @Test func doublesAndSeveralTargetsComeBackExactly() throws {
        var rng = RandomGenerator(seed: 9)
        let r = try Runge.make(count: 20, noise: 0.1, degree: 3, using: &rng)
        expectSameDataset(try readBack(r), r)
        #expect(CSV.columnNames(of: r) == ["x0", "x1", "x2", "y"])
        let two = try Dataset(name: "t", features: .double([0.1, 0.2]), inputWidth: 1,
                              targets: .values(Matrix(rows: 2, columns: 2, storage: [1.5, -2, 1e-300, 7])))
        expectSameDataset(try readBack(two), two)
        #expect(CSV.columnNames(of: two) == ["x0", "y0", "y1"])
        let unlabelled = try Dataset(name: "u", features: .float([1, 2, 3]), inputWidth: 1, targets: .none)
        expectSameDataset(try readBack(unlabelled), unlabelled)
    }

    @Test func classNamesKeepTheirOrderAndAwkwardCharacters() throws {
        let names = ["T-shirt/top", "a, b", "say \"hi\"", " padded"]
        let d = try Dataset(name: "n", features: .float([0, 1, 2, 3, 4]), inputWidth: 1,
                            targets: .classes(labels: [0, 1, 2, 3, 1], classCount: 4), classNames: names)
        expectSameDataset(try readBack(d), d)
        #expect(CSV.readingOptions(for: d).classes == .names(names))
        // Sorted names that all occur need no help.
        let sorted = try Dataset(name: "s", features: .float([0, 1]), inputWidth: 1,
                                 targets: .classes(labels: [1, 0], classCount: 2), classNames: ["cat", "dog"])
        #expect(CSV.readingOptions(for: sorted).classes == nil)
        expectSameDataset(try readBack(sorted), sorted)
    }

    @Test func givenClassesAreChecked() throws {
        let text = "x,label\n1,cat\n2,cow\n"
        var options = CSVOptions(label: "label", classes: .names(["dog", "cat"]))
        #expect(throws: DataError(.badValue, file: "x.csv", "the label \"cow\" of example 1 is not one of the classes given (dog, cat)")) {
            try CSV.parse(text: text, file: "x.csv", options: options)
        }
        options.classes = .count(3)
        #expect(throws: DataError(.badValue, file: "x.csv", "label 3 is not a class 0…2 (3 classes were given)")) {
            try CSV.parse(text: "x,label\n1,3\n", file: "x.csv", options: options)
        }
    }
}
