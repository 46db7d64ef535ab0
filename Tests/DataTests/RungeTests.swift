import Engine
import Testing
@testable import Data

@Suite struct RungeTests {
    @Test func equispacedNoiselessPointsAreTheFunction() throws {
        var rng = RandomGenerator(seed: 1)
        let r = try Runge.make(count: 5, spacing: .equispaced, using: &rng)
        #expect(r.rawInput == [-1, -0.5, 0, 0.5, 1])
        #expect(r.featureRow(1) == [-0.5])
        let y = r.targetMatrix(Double.self).storage
        #expect(close(y[0], 1.0 / 26) && close(y[1], 1.0 / 7.25) && close(y[2], 1))
        #expect(r.trueTargets?.storage == y)
        #expect(r.labels == nil && r.targetWidth == 1)
    }

    @Test func noiseHasTheRequestedDeviationAndTheSeedRepeats() throws {
        var a = RandomGenerator(seed: 1993), b = RandomGenerator(seed: 1993)
        let r = try Runge.make(count: 20000, interval: -2...3, noise: 0.1, using: &a)
        let again = try Runge.make(count: 20000, interval: -2...3, noise: 0.1, using: &b)
        #expect(r.targetMatrix(Double.self) == again.targetMatrix(Double.self))
        let xs = try #require(r.rawInput)
        #expect(xs.allSatisfy { (-2...3).contains($0) })
        #expect(xs.min()! < -1.99 && xs.max()! > 2.99)
        let y = r.targetMatrix(Double.self).storage, truth = try #require(r.trueTargets).storage
        for (x, t) in zip(xs, truth) { #expect(close(t, Runge.f(x))) }
        let residuals = zip(y, truth).map { $0 - $1 }
        let mean = residuals.reduce(0, +) / Double(residuals.count)
        let sd = (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(residuals.count)).squareRoot()
        #expect(abs(mean) < 0.005)
        #expect(abs(sd - 0.1) < 0.005)
    }

    @Test func polynomialFeaturesKeepXFirst() throws {
        var rng = RandomGenerator(seed: 7)
        let r = try Runge.make(count: 4, interval: 0...3, spacing: .equispaced, degree: 3, precision: .float, using: &rng)
        #expect(r.inputWidth == 3)
        #expect(r.featureRow(2) == [2, 4, 8])
        #expect(r.rawInput == [0, 1, 2, 3])
        #expect(r.features.precisionName == "float32")
    }

    @Test func badArgumentsAreErrors() {
        var rng = RandomGenerator(seed: 1)
        #expect(throws: DataError.self) { try Runge.make(count: 0, using: &rng) }
        #expect(throws: DataError.self) { try Runge.make(count: 3, noise: -1, using: &rng) }
        #expect(throws: DataError.self) { try Runge.make(count: 3, degree: 0, using: &rng) }
    }
}
