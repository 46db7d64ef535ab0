import Engine
import Testing
@testable import Data

@Suite struct ConcatTests {
    private func classes(_ labels: [Int], k: Int, names: [String]? = nil, first: Double = 0) throws -> Dataset {
        try Dataset(name: "c", features: .double(labels.indices.map { first + Double($0) }), inputWidth: 1,
                    targets: .classes(labels: labels, classCount: k), classNames: names)
    }

    @Test func examplesOfTheFirstThenTheSecond() throws {
        let a = try classes([0, 1, 2], k: 3), b = try classes([2, 0], k: 3, first: 10)
        let both = try a.concatenated(with: b)
        #expect(both.count == 5)
        #expect((0..<5).map { both.feature($0, 0) } == [0, 1, 2, 10, 11])
        #expect(both.labels == [0, 1, 2, 2, 0] && both.classCount == 3)
        // Without names, a class index is its own name: the count is the larger one.
        #expect(try a.concatenated(with: try classes([4], k: 5)).classCount == 5)
    }

    @Test func pixelBytesStayBytesAndImagesKeepTheirShape() throws {
        let shape = ImageShape(rows: 1, columns: 2)
        let a = try Dataset(name: "a", features: .pixels([0, 255]), inputWidth: 2,
                            targets: .classes(labels: [1], classCount: 2), imageShape: shape)
        let b = try Dataset(name: "b", features: .pixels([7, 8, 9, 10]), inputWidth: 2,
                            targets: .classes(labels: [0, 1], classCount: 2), imageShape: shape)
        let both = try a.concatenated(with: b)
        #expect(both.features == .pixels([0, 255, 7, 8, 9, 10]))
        #expect(both.imageShape == shape && both.name == "a+b")
        // Mixed storage: float32 unless one is float64.
        let f = try Dataset(name: "f", features: .float([0.5, 0.25]), inputWidth: 2, targets: .classes(labels: [0], classCount: 2))
        #expect(try a.concatenated(with: f).features == .float([0, 1, 0.5, 0.25]))
    }

    @Test func regressionTargetsAndNoiselessTargetsFollow() throws {
        var rng = RandomGenerator(seed: 1)
        let a = try Runge.make(count: 4, noise: 0.1, using: &rng), b = try Runge.make(count: 3, noise: 0.1, using: &rng)
        let both = try a.concatenated(with: b)
        #expect(both.count == 7)
        #expect(both.targetMatrix(Double.self).storage == a.targetMatrix(Double.self).storage + b.targetMatrix(Double.self).storage)
        #expect(both.trueTargets?.storage == a.trueTargets!.storage + b.trueTargets!.storage)
        #expect(both.rawInput == a.rawInput! + b.rawInput!)
    }

    @Test(arguments: [
        ("width", "the inputs differ: a has 1 feature, b has 2 features"),
        ("kind", "the targets differ: a has class labels, b has 1 regression target"),
        ("names", "the class names differ: a has classes cat, dog, b has classes dog, cat"),
        ("unnamed", "the class names differ: a has classes cat, dog, b has classes 0…1 (no names)"),
    ])
    func refusesWhatDiffersAndSaysWhat(_ what: String, _ message: String) throws {
        var a = try classes([0, 1], k: 2, names: ["cat", "dog"])
        a.name = "a"
        var b: Dataset
        switch what {
        case "width": b = try Dataset(name: "b", features: .float([1, 2]), inputWidth: 2, targets: .classes(labels: [0], classCount: 2))
        case "kind": b = try Dataset(name: "b", features: .float([1]), inputWidth: 1, targets: .values(Matrix(rows: 1, columns: 1, storage: [0.5])))
        case "names": b = try classes([0], k: 2, names: ["dog", "cat"])
        default: b = try classes([0], k: 2)
        }
        b.name = "b"
        #expect(throws: DataError(.invalidArgument, file: "a+b", message)) { try a.concatenated(with: b) }
    }
}
