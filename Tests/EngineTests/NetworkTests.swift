import Testing
@testable import Engine
import EngineTestSupport

@Suite struct NetworkTests {
    @Test func buildsAndCountsParameters() throws {
        var g = RandomGenerator(seed: 1)
        let net = try Network<Float>(inputWidth: 784)
        try net.addDense(outputs: 300, activation: .relu, generator: &g)
        try net.addDense(outputs: 10, activation: .softmax, generator: &g)
        #expect(net.parameterCount == 784 * 300 + 300 + 300 * 10 + 10)
        #expect(net.outputWidth == 10)
        #expect(net.cost == .crossEntropy)
        #expect(net.tensorSizes == [235_200, 300, 3000, 10])
        #expect(net.description == "Network<float32>(784 → 300 relu → 10 softmax, 238510 parameters, cross_entropy)")
        #expect(throws: EngineError.self) { try Network<Float>(inputWidth: 0) }
        #expect(throws: EngineError.self) { try net.addDense(outputs: 0, activation: .relu, generator: &g) }
    }

    /// He for the ReLU family (std √(2/in)), Xavier otherwise (std √(2/(in+out))), zero biases.
    static let initialisationCases: [(Activation, Double)] = [
        (.relu, 2.0 / 400), (.leakyReLU(), 2.0 / 400), (.tanh, 2.0 / 600), (.sigmoid, 2.0 / 600),
    ]

    @Test(arguments: initialisationCases)
    func initialisationScales(_ activation: Activation, _ variance: Double) throws {
        var g = RandomGenerator(seed: 2)
        let layer = try DenseLayer<Double>(inputs: 400, outputs: 200, activation: activation, generator: &g)
        let w = layer.weights.storage
        let mean = w.reduce(0, +) / Double(w.count)
        let v = w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w.count)
        #expect(abs(mean) < 0.002)
        #expect(abs(v / variance - 1) < 0.02)
        #expect(layer.bias.allSatisfy { $0 == 0 })
        let overridden = try DenseLayer<Double>(inputs: 400, outputs: 200, activation: activation,
                                                initialization: .normal(stddev: 0.5), generator: &g)
        let v2 = overridden.weights.storage.reduce(0) { $0 + $1 * $1 } / Double(w.count)
        #expect(abs(v2 / 0.25 - 1) < 0.02)
    }

    /// PyTorch's nn.Linear default: weights and biases from U(−1/√in, 1/√in), variance 1/(3·in).
    @Test func pytorchInitialisationIsUniformInTheFanInBound() throws {
        var g = RandomGenerator(seed: 4)
        let layer = try DenseLayer<Double>(inputs: 400, outputs: 200, activation: .relu,
                                           initialization: .pytorch, generator: &g)
        let bound = 1 / Double(400).squareRoot()
        let w = layer.weights.storage
        #expect(w.allSatisfy { abs($0) <= bound } && layer.bias.allSatisfy { abs($0) <= bound })
        #expect(w.map(abs).max()! > 0.999 * bound)   // uniform up to the bound, not a bell
        let v = w.reduce(0) { $0 + $1 * $1 } / Double(w.count)
        #expect(abs(v / (1.0 / 1200) - 1) < 0.02)
        #expect(abs(WeightInitialization.pytorch.standardDeviation(inputs: 400, outputs: 200) - (1.0 / 1200).squareRoot()) < 1e-15)
        #expect(layer.bias.filter { $0 != 0 }.count == 200)
        #expect(try WeightInitialization(parsing: "torch") == .pytorch)
    }

    /// A fresh copy draws as building the network again from the same seed would.
    @Test func freshCopyEqualsRebuildingFromTheSeed() throws {
        func build(_ g: inout RandomGenerator) throws -> Network<Double> {
            let net = try Network<Double>(inputWidth: 5)
            try net.addDense(outputs: 7, activation: .relu, generator: &g)
            try net.addDense(outputs: 3, activation: .tanh, generator: &g)
            return net
        }
        var first = RandomGenerator(seed: 9), again = RandomGenerator(seed: 11), fresh = RandomGenerator(seed: 11)
        let copy = try build(&first).freshCopy(generator: &fresh)
        #expect(copy.layers == (try build(&again)).layers)
        #expect(fresh == again)
    }

    @Test func sameSeedSameInitialWeights() throws {
        let a: Network<Float> = try makeNetwork([5, 7, 3], hidden: .tanh, output: .softmax, seed: 9)
        let b: Network<Float> = try makeNetwork([5, 7, 3], hidden: .tanh, output: .softmax, seed: 9)
        #expect(a.layers == b.layers)
    }

    /// The fast forward pass (workspace, fused kernels) agrees with the reference layer by layer,
    /// including more rows than one chunk.
    @Test(arguments: [Activation.sigmoid, .relu, .leakyReLU(), .tanh, .linear])
    func predictMatchesReferenceForward(_ hidden: Activation) throws {
        let net: Network<Double> = try makeNetwork([4, 9, 6, 3], hidden: hidden, output: .softmax)
        var g = RandomGenerator(seed: 3)
        let x: Matrix<Double> = randomMatrix(300, 4, &g)
        #expect(isClose(try net.predict(x).storage, net.referenceForward(x).storage, tolerance: 1e-12))
        let data = MatrixData(inputs: x, labels: Array(repeating: 0, count: 300), classes: 3)
        #expect(try net.predict(data) == net.predict(x))
        #expect(throws: EngineError.self) { try net.predict(Matrix<Double>(rows: 1, columns: 5)) }
    }

    @Test func convertsBetweenPrecisions() throws {
        let net: Network<Float> = try makeNetwork([3, 5, 2], hidden: .relu, output: .softmax)
        var g = RandomGenerator(seed: 5)
        try net.train(on: xorData(Float.self).withThirdFeature(), options: TrainingOptions(epochs: 2, batchSize: 2), generator: &g)
        let double = net.converted(to: Double.self)
        #expect(double.layers.count == 2 && double.cost == net.cost)
        #expect(double.history == net.history)
        #expect(double.optimizerState?.step == net.optimizerState?.step)
        let back = double.converted(to: Float.self)
        #expect(back.layers == net.layers)   // Float → Double → Float is exact
        let x: Matrix<Float> = randomMatrix(4, 3, &g)
        #expect(isClose(try double.predict(x.converted()).storage, try net.predict(x).storage.map(Double.init), tolerance: 1e-6))
    }

    @Test func copyIsIndependent() throws {
        let net: Network<Double> = try makeNetwork([2, 3, 1], hidden: .tanh, output: .linear)
        let c = net.copy()
        c.layers[0].weights[0, 0] += 1
        #expect(c.layers != net.layers)
    }

    @Test func layersMustChain() throws {
        let net = try Network<Double>(inputWidth: 3)
        #expect(throws: EngineError.self) {
            try net.add(DenseLayer(weights: Matrix(rows: 4, columns: 2), bias: [0, 0], activation: .relu))
        }
        #expect(throws: EngineError.self) {
            try DenseLayer<Double>(weights: Matrix(rows: 3, columns: 2), bias: [0], activation: .relu)
        }
    }
}

@Suite struct EvaluationTests {
    /// A 1→1 identity network predicts its input: MSE, R² and loss by hand.
    /// x = (1, 2, 3, 4), y = (1, 2, 3, 5): residuals (0, 0, 0, −1), MSE = 1/4;
    /// ȳ = 2.75, SS_tot = 3.0625 + .5625 + .0625 + 5.0625 = 8.75, R² = 1 − 1/8.75.
    @Test func regressionFigures() throws {
        let net = try Network<Double>(inputWidth: 1, layers: [DenseLayer(weights: Matrix([[1]]), bias: [0], activation: .linear)])
        let data = MatrixData(inputs: Matrix<Double>([[1], [2], [3], [4]]), targets: Matrix([[1], [2], [3], [5]]))
        let e = try net.evaluate(on: data, batchSize: 3)
        #expect(isClose(e.meanSquaredError, 0.25))
        #expect(isClose(e.loss, 0.25))
        #expect(isClose(e.rSquared, 1 - 1 / 8.75))
        #expect(e.accuracy == nil && e.confusion == nil)
        #expect(try net.rSquared(on: data) == e.rSquared)
    }

    /// An identity softmax layer predicts argmax of the input: confusion matrix by hand.
    @Test func classificationFigures() throws {
        let net = try Network<Double>(inputWidth: 3, layers: [
            DenseLayer(weights: Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), bias: [0, 0, 0], activation: .softmax)])
        let x = Matrix<Double>([[5, 0, 0], [0, 5, 0], [0, 5, 0], [0, 0, 5], [5, 0, 0]])
        let data = MatrixData(inputs: x, labels: [0, 1, 2, 2, 1], classes: 3)
        let e = try net.evaluate(on: data, batchSize: 2)
        #expect(e.confusion?.counts == [[1, 0, 0], [1, 1, 0], [0, 1, 1]])
        #expect(e.accuracy == 3.0 / 5)
        #expect(e.confusion?.recall(1) == 0.5)
        #expect(e.confusion?.precision(0) == 0.5)
        #expect(try net.accuracy(on: data) == 0.6)
        #expect(throws: EngineError.self) { try net.evaluate(on: xorData(Double.self)) }
    }
}

@Suite struct AnyNetworkTests {
    @Test func buildsTrainsEvaluatesAndConverts() throws {
        var g = RandomGenerator(seed: 13)
        let net = try AnyNetwork(inputWidth: 2)
        #expect(net.precision == .float32)
        try net.addDense(outputs: 8, activation: .tanh, generator: &g)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        #expect(net.layers.map(\.outputs) == [8, 2])
        #expect(net.parameterCount == 2 * 8 + 8 + 8 * 2 + 2)
        #expect(net.cost == .crossEntropy && net.costIsDefault)
        let result = try net.train(on: xorData(Float.self),
                                   options: TrainingOptions(epochs: 300, batchSize: 4, optimizer: OptimizerSettings(.adam, learningRate: 0.05)),
                                   generator: &g)
        #expect(result.epochs.count == 300 && net.history.epochs.count == 300)
        #expect(try net.evaluate(on: xorData(Float.self)).accuracy == 1)
        let double = net.converted(to: .float64)
        #expect(double.precision == .float64)
        #expect(try double.evaluate(on: xorData(Double.self)).accuracy == 1)
        let p = try double.predict(Matrix<Double>([[0, 1]]))
        #expect(p.columns == 2 && p[0, 1] > 0.5)
        #expect(net.optimizerSummary?.step == 300)
        #expect(throws: EngineError.self) { try net.setCost(.binaryCrossEntropy) }
        #expect(try Precision(parsing: "double") == .float64)
        let report = try double.gradientCheck(on: xorData(Double.self), generator: &g)
        #expect(report.maxRelativeError < 1e-6)
    }
}

extension MatrixData where S == Float {
    /// XOR with a constant third feature (to test a 3-input network).
    func withThirdFeature() -> MatrixData<Float> {
        var x = Matrix<Float>(rows: inputs.rows, columns: 3)
        for r in 0..<inputs.rows { x[r, 0] = inputs[r, 0]; x[r, 1] = inputs[r, 1]; x[r, 2] = 1 }
        return MatrixData(inputs: x, targets: targets, labels: labels)
    }
}
