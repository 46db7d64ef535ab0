import Testing
@testable import Engine
import EngineTestSupport

/// Long engine work (gradient check, evaluation, prediction) asks its `shouldStop` as it goes
/// and throws `.stopped` when it says true, leaving the network unchanged. `shouldStop` turns
/// true after a given number of calls: no clocks involved.
@Suite struct StopCheckTests {
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

    /// 600 examples: several chunks of 256 rows for evaluation and prediction.
    static func setup() throws -> (Network<Float>, MatrixData<Float>) {
        let net: Network<Float> = try makeNetwork([4, 30, 3], hidden: .tanh, output: .softmax)
        var g = RandomGenerator(seed: 3)
        let x: Matrix<Float> = randomMatrix(600, 4, &g)
        return (net, MatrixData(inputs: x, labels: (0..<600).map { $0 % 3 }, classes: 3))
    }

    @Test func gradientCheckStopsWhenAsked() throws {
        let (net, data) = try Self.setup()
        let before = net.layers.map(\.weights.storage)
        var g = RandomGenerator(seed: 1)
        let stop = StopAfter(40)
        var progress: [GradientCheckProgress] = []
        #expect(throws: EngineError.self) {
            _ = try net.gradientCheck(on: data, generator: &g, shouldStop: stop.check, progress: { progress.append($0) })
        }
        do {
            _ = try net.gradientCheck(on: data, generator: &g, shouldStop: StopAfter(40).check)
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.message.contains("of 243 parameters"))   // 4·30 + 30 + 30·3 + 3
        }
        #expect(stop.calls == 41)   // asked until it said stop, never after
        #expect(!progress.isEmpty && progress.count < 243)
        #expect(progress.allSatisfy { $0.toCheck == 243 })
        #expect(progress.map(\.checked) == Array(1...progress.count))
        #expect(net.layers.map(\.weights.storage) == before)
    }

    @Test func gradientCheckReportsProgressToTheEnd() throws {
        let (net, data) = try Self.setup()
        var g = RandomGenerator(seed: 1)
        var last: GradientCheckProgress?
        let few = MatrixData(inputs: Matrix(rows: 20, columns: 4, storage: Array(data.inputs.storage[0..<80])),
                             labels: (0..<20).map { $0 % 3 }, classes: 3)
        let report = try net.gradientCheck(on: few, maxPerTensor: 10, generator: &g,
                                           progress: { last = $0 })
        #expect(last == GradientCheckProgress(checked: 33, toCheck: 33))   // 10 + 10 + 10 + 3
        #expect(report.checked == 33 && report.total == 243)
    }

    @Test func evaluationStopsBetweenBatches() throws {
        let (net, data) = try Self.setup()
        let stop = StopAfter(1)
        do {
            _ = try net.evaluate(on: data, shouldStop: stop.check)
            Issue.record("evaluation ran to the end")
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.message == "stopped after 256 of 600 examples")
        }
        #expect(stop.calls == 2)
        #expect(try net.evaluate(on: data, shouldStop: StopAfter(3).check).count == 600)   // 3 batches
    }

    @Test func predictionStopsBetweenChunks() throws {
        let (net, data) = try Self.setup()
        for after in [0, 2] {
            do {
                _ = try net.predict(data, shouldStop: StopAfter(after).check)
                Issue.record("prediction ran to the end")
            } catch {
                #expect(error.kind == .stopped)
                #expect(error.message == "stopped after \(after * 256) of 600 examples")
            }
            do {
                _ = try net.predict(data.inputs, shouldStop: StopAfter(after).check)
                Issue.record("prediction of a matrix ran to the end")
            } catch {
                #expect(error.kind == .stopped)
            }
        }
        #expect(try net.predict(data, shouldStop: StopAfter(3).check).rows == 600)
    }

    /// Least squares stops between the Householder columns; the Lasso while forming its Gram
    /// matrix (every 16 examples) and between sweeps.
    @Test func linearSolversStopWhenAsked() throws {
        var g = RandomGenerator(seed: 5)
        let x: Matrix<Double> = randomMatrix(300, 70, &g), y: Matrix<Double> = randomMatrix(300, 2, &g)
        do {
            _ = try LinearLeastSquares.solve(inputs: x, targets: y, l2: 0.1, shouldStop: StopAfter(1).check)
            Issue.record("least squares ran to the end")
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.message == "stopped after 0 of 70 columns")   // the first column's second check
        }
        do {
            _ = try LassoCoordinateDescent.solve(inputs: x, targets: y, l1: 0.01, shouldStop: StopAfter(3).check)
            Issue.record("the Lasso ran to the end")
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.message == "stopped after 48 of 300 examples")
        }
        do {
            _ = try LassoCoordinateDescent.solve(inputs: x, targets: y, l1: 0.01, shouldStop: StopAfter(300 / 16 + 1 + 4).check)
            Issue.record("the Lasso ran to the end")
        } catch {
            #expect(error.kind == .stopped)
            #expect(error.message == "stopped after 4 sweeps")
        }
        let fitted = try LassoCoordinateDescent.solve(inputs: x, targets: y, l1: 0.01, shouldStop: { false })
        #expect(fitted.sweeps > 4)
    }
}
