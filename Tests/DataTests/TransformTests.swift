import Engine
import Testing
@testable import Data

/// `labels.count` examples whose features are (i, 10·i), so every example's original index can
/// be read back after shuffles and splits.
private func indexed(_ labels: [Int], classes: Int) throws -> Dataset {
    let features = labels.indices.flatMap { [Double($0), Double(10 * $0)] }
    return try Dataset(name: "t", features: .double(features), inputWidth: 2,
                       targets: .classes(labels: labels, classCount: classes))
}

private func originalIndices(_ d: Dataset) -> [Int] { (0..<d.count).map { Int(d.feature($0, 0)) } }

@Suite struct TransformTests {
    @Test func takeSliceAndShuffleKeepExamplesWhole() throws {
        let labels = (0..<50).map { $0 % 3 }
        let d = try indexed(labels, classes: 3)
        #expect(originalIndices(d.take(4)) == [0, 1, 2, 3])
        #expect(d.take(100).count == 50)
        #expect(originalIndices(try d.slice(10..<13)) == [10, 11, 12])
        #expect(throws: DataError.self) { try d.slice(45..<51) }
        let none = d.take(0)
        #expect(none.count == 0 && none.featureMatrix(Float.self).rows == 0)
        let unlabelled = try Dataset(name: "u", features: .float([1, 2]), inputWidth: 1, targets: .none)
        #expect(unlabelled.featureMatrix(Double.self).storage == [1, 2])
        var rng = RandomGenerator(seed: 3)
        let s = d.shuffled(using: &rng)
        let order = originalIndices(s)
        #expect(order != Array(0..<50) && order.sorted() == Array(0..<50))
        for i in 0..<s.count {
            #expect(s.feature(i, 1) == 10 * s.feature(i, 0))
            #expect(s.classLabel(i) == labels[order[i]])
        }
    }

    @Test func stratifiedSplitKeepsClassProportions() throws {
        let labels = [Int](repeating: 0, count: 60) + [Int](repeating: 1, count: 30) + [Int](repeating: 2, count: 10)
        let d = try indexed(labels, classes: 3)
        var rng = RandomGenerator(seed: 1993)
        let (train, test) = try d.split(trainFraction: 0.8, using: &rng)
        func perClass(_ s: Dataset) -> [Int] {
            var n = [0, 0, 0]
            for l in s.labels! { n[l] += 1 }
            return n
        }
        #expect(perClass(test) == [12, 6, 2])
        #expect(perClass(train) == [48, 24, 8])
        #expect((originalIndices(train) + originalIndices(test)).sorted() == Array(0..<100))
        var same = RandomGenerator(seed: 1993), other = RandomGenerator(seed: 1994)
        #expect(originalIndices(try d.split(trainFraction: 0.8, using: &same).test) == originalIndices(test))
        #expect(originalIndices(try d.split(trainFraction: 0.8, using: &other).test) != originalIndices(test))
    }

    @Test func stratifiedSplitHitsTheOverallSizeWithUnevenClasses() throws {
        let labels = [Int](repeating: 0, count: 7) + [Int](repeating: 1, count: 5) + [Int](repeating: 2, count: 3)
        var rng = RandomGenerator(seed: 5)
        let (train, test) = try indexed(labels, classes: 3).split(trainFraction: 0.7, using: &rng)
        #expect(test.count == 5 && train.count == 10)   // round(15 · 0.3) = 5 (not 2 + 1 + 1 = 4)
        #expect(Set(test.labels!).count == 3)
    }

    @Test func regressionSplitAndBadFractions() throws {
        var rng = RandomGenerator(seed: 1)
        let r = try Runge.make(count: 10, using: &rng)
        let (train, test) = try r.split(trainFraction: 0.75, using: &rng)
        #expect(train.count == 7 && test.count == 3)   // 10 · 0.25 = 2.5 rounds to 3 (away from zero)
        #expect(Set(train.rawInput! + test.rawInput!) == Set(r.rawInput!))
        for i in 0..<test.count { #expect(close(test.trueTargets![i, 0], Runge.f(test.rawInput![i]))) }
        #expect(throws: DataError.self) { try r.split(trainFraction: 1, using: &rng) }
        #expect(throws: DataError.self) { try r.take(1).split(trainFraction: 0.5, using: &rng) }
    }

    @Test func foldsPartitionTheDataAndStayStratified() throws {
        let labels = (0..<53).map { $0 < 40 ? 0 : 1 }
        let d = try indexed(labels, classes: 2)
        var rng = RandomGenerator(seed: 11)
        let folds = try d.folds(5, using: &rng)
        #expect(folds.count == 5)
        let tests = folds.map { originalIndices($0.test) }
        #expect(tests.flatMap { $0 }.sorted() == Array(0..<53))
        for (fold, pair) in folds.enumerated() {
            #expect(pair.train.count + pair.test.count == 53)
            #expect(Set(originalIndices(pair.train)).isDisjoint(with: tests[fold]))
            #expect((10...11).contains(pair.test.count))
            let ones = pair.test.labels!.filter { $0 == 1 }.count
            #expect((2...3).contains(ones))   // 13 examples of class 1 over 5 folds
        }
        #expect(throws: DataError.self) { try d.folds(1, using: &rng) }
        #expect(throws: DataError.self) { try d.take(3).folds(4, using: &rng) }
    }

    @Test func standardizationUsesTrainingStatisticsOnly() throws {
        let train = try Dataset(name: "train", features: .double([1, 5, 3, 5, 5, 5]), inputWidth: 2, targets: .none)
        let test = try Dataset(name: "test", features: .double([7, 9, 11, 1]), inputWidth: 2, targets: .none)
        let scaling = FeatureScaling.standardization(fittedOn: train)
        // Column 0 of train is 1, 3, 5: mean 3, population deviation √(8/3). Column 1 is constant.
        #expect(close(scaling.offsets[0], 3) && close(scaling.scales[0], (8.0 / 3).squareRoot()))
        #expect(scaling.offsets[1] == 5 && scaling.scales[1] == 1)
        let z = try scaling.apply(to: test)
        #expect(close(z.feature(0, 0), (7 - 3) / (8.0 / 3).squareRoot()))
        #expect(close(z.feature(1, 0), (11 - 3) / (8.0 / 3).squareRoot()))
        #expect(close(z.feature(0, 1), 4) && close(z.feature(1, 1), -4))
        let zTrain = try scaling.apply(to: train)
        let column0 = (0..<3).map { zTrain.feature($0, 0) }
        #expect(close(column0.reduce(0, +), 0))
        #expect(close(column0.map { $0 * $0 }.reduce(0, +) / 3, 1))
        // Fitting on the test set would give other numbers.
        #expect(FeatureScaling.standardization(fittedOn: test) != scaling)
        var m = Matrix<Float>([[3, 5], [6, 6]])
        try scaling.apply(to: &m)
        #expect(abs(m[0, 0]) < 1e-6 && abs(m[1, 1] - 1) < 1e-6)
        var wrong = Matrix<Float>(rows: 1, columns: 3)
        #expect(throws: DataError.self) { try scaling.apply(to: &wrong) }
    }

    @Test func unitRangeScalingOfPixelsBecomesFloat() throws {
        let d = try Dataset(name: "p", features: .pixels([0, 51, 255, 102]), inputWidth: 2, targets: .none)
        let scaling = FeatureScaling.unitRange(fittedOn: d)
        let s = try scaling.apply(to: d)
        #expect(s.features.precisionName == "float32")
        #expect(close(s.feature(0, 0), 0) && close(s.feature(1, 0), 1))
        #expect(close(s.feature(0, 1), 0) && close(s.feature(1, 1), 1, 1e-6))
        let wrong = try Dataset(name: "w", features: .double([1, 2, 3]), inputWidth: 3, targets: .none)
        #expect(throws: DataError.self) { try scaling.apply(to: wrong) }
    }

    @Test func oneHotEncodingOfLabelsAndOfAFeature() throws {
        let m = OneHot.encode([2, 0, 1], classCount: 4, as: Float.self)
        #expect(m == Matrix<Float>([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]))
        #expect(OneHot.decode(Matrix<Double>([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]])) == [1, 0])
        let d = try Dataset(name: "c", features: .float([1, 7, 10, 2, 3, 20, 3, 7, 30]), inputWidth: 3, targets: .none)
        let e = try d.oneHotEncodingFeature(1)
        #expect(e.inputWidth == 4)   // categories 3 and 7
        #expect(e.featureRow(0) == [1, 0, 1, 10])
        #expect(e.featureRow(1) == [2, 1, 0, 20])
        #expect(throws: DataError.self) { try d.oneHotEncodingFeature(3) }
    }

    @Test func polynomialFeaturesArePowersPerFeature() throws {
        let d = try Dataset(name: "p", features: .double([2, -1, 3, 0.5]), inputWidth: 2, targets: .none)
        let p = try d.polynomialFeatures(degree: 3)
        #expect(p.inputWidth == 6)
        #expect(p.featureRow(0) == [2, 4, 8, -1, 1, -1])
        #expect(p.featureRow(1) == [3, 9, 27, 0.5, 0.25, 0.125])
        #expect(throws: DataError.self) { try d.polynomialFeatures(degree: 0) }
    }
}
