import Testing
@testable import Engine
import EngineTestSupport

/// Backpropagation against central differences in Double, for every combination of hidden
/// activation × (cost, output activation) × regulariser that makes sense, on small random nets
/// with 1–3 hidden layers.
@Suite struct GradientCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var hidden: Activation
        var output: Activation
        var cost: Cost
        var regularization: Regularization
        var hiddenLayers: Int
        var testDescription: String {
            "\(hidden) → \(output)/\(cost), l1=\(regularization.l1) l2=\(regularization.l2), \(hiddenLayers) hidden"
        }
    }

    static let hidden: [Activation] = [.sigmoid, .relu, .leakyReLU(alpha: 0.1), .tanh, .linear]
    static let outputs: [(Activation, Cost)] = [
        (.linear, .mse), (.sigmoid, .mse), (.tanh, .mse), (.relu, .mse), (.softmax, .mse),
        (.softmax, .crossEntropy), (.sigmoid, .binaryCrossEntropy),
    ]
    static let penalties = [Regularization.none, Regularization(l1: 0.01), Regularization(l2: 0.1),
                            Regularization(l1: 0.02, l2: 0.05)]

    static let cases: [Case] = {
        var all: [Case] = []
        for h in hidden {
            for (o, c) in outputs {
                for r in penalties {
                    all.append(Case(hidden: h, output: o, cost: c, regularization: r, hiddenLayers: all.count % 3 + 1))
                }
            }
        }
        return all
    }()

    /// A random regression or class data set for the case's output.
    static func data(_ c: Case, inputs: Int, outputs: Int, seed: UInt64) -> MatrixData<Double> {
        var g = RandomGenerator(seed: seed)
        let n = 7
        let x: Matrix<Double> = randomMatrix(n, inputs, scale: 1.5, &g)
        switch c.cost {
        case .crossEntropy:
            return MatrixData(inputs: x, labels: (0..<n).map { _ in g.nextInt(below: outputs) }, classes: outputs)
        case .binaryCrossEntropy:
            return MatrixData(inputs: x, targets: Matrix(rows: n, columns: outputs,
                                                          storage: (0..<n * outputs).map { _ in g.nextUniform() }))
        case .mse:
            return MatrixData(inputs: x, targets: randomMatrix(n, outputs, &g))
        }
    }

    @Test(arguments: cases)
    func backpropagationMatchesCentralDifferences(_ c: Case) throws {
        let seed = UInt64(c.testDescription.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) & 0xFFFF })
        var g = RandomGenerator(seed: seed)
        let widths = [3] + (0..<c.hiddenLayers).map { _ in 3 + g.nextInt(below: 4) } + [c.output == .softmax ? 3 : 2]
        let net: Network<Double> = try makeNetwork(widths, hidden: c.hidden, output: c.output, cost: c.cost, seed: seed)
        // Non-zero biases, so the check also covers them away from the initial point.
        // A ReLU output starts with positive biases so no output unit is dead on every example.
        for l in net.layers.indices {
            let shift = l == net.layers.count - 1 && c.output == .relu ? 1.0 : 0
            for j in net.layers[l].bias.indices { net.layers[l].bias[j] = shift + 0.3 * (2 * g.nextUniform() - 1) }
        }
        let data = Self.data(c, inputs: 3, outputs: widths.last!, seed: seed &+ 1)
        let report = try net.gradientCheck(on: data, regularization: c.regularization, epsilon: 1e-5, generator: &g)
        #expect(report.entries.count == 2 * net.layers.count)
        #expect(report.entries.allSatisfy { $0.checked == $0.total })
        for e in report.entries {
            #expect(e.analyticNorm > 0, "layer \(e.layer) \(e.kind.rawValue): zero gradient checks nothing")
            #expect(e.relativeError < 1e-7, "layer \(e.layer) \(e.kind.rawValue): \(e.relativeError)")
        }
    }

    /// The check notices disagreement: at a ReLU kink (z = 0 exactly) backpropagation uses the
    /// left derivative 0 while the central difference sees slope ½, so the first layer's bias
    /// entry reports a large error while the second layer agrees.
    @Test func disagreementAtAKinkIsReported() throws {
        let net = try Network<Double>(inputWidth: 1, layers: [
            DenseLayer(weights: Matrix([[1]]), bias: [0], activation: .relu),
            DenseLayer(weights: Matrix([[2]]), bias: [0.5], activation: .linear),
        ])
        let data = MatrixData(inputs: Matrix<Double>([[0]]), targets: Matrix([[3]]))
        var g = RandomGenerator(seed: 5)
        let report = try net.gradientCheck(on: data, generator: &g)
        let bias0 = try #require(report.entries.first { $0.layer == 0 && $0.kind == .bias })
        #expect(bias0.analyticNorm == 0)
        #expect(bias0.relativeError > 0.5)
        let bias1 = try #require(report.entries.first { $0.layer == 1 && $0.kind == .bias })
        #expect(bias1.relativeError < 1e-7)
    }

    /// Large nets: a seeded sample of each tensor; a Float network is checked in Double.
    @Test func sampledCheckOfAFloatNetwork() throws {
        let net: Network<Float> = try makeNetwork([20, 30, 5], hidden: .relu, output: .softmax)
        var g = RandomGenerator(seed: 11)
        let x: Matrix<Float> = randomMatrix(12, 20, &g)
        let data = MatrixData(inputs: x, labels: (0..<12).map { $0 % 5 }, classes: 5)
        let report = try net.gradientCheck(on: data, regularization: Regularization(l2: 0.01), epsilon: 1e-6,
                                           maxPerTensor: 25, generator: &g)
        #expect(report.entries.map(\.checked) == [25, 25, 25, 5])
        #expect(report.entries.map(\.total) == [600, 30, 150, 5])
        #expect(report.maxRelativeError < 1e-6)
    }
}
