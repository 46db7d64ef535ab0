import Testing
@testable import Engine
import EngineTestSupport

/// The 2-D convolution layer: its im2col + GEMM passes against a direct convolution written
/// out here with 4-D indices, and its gradients (weights, biases and, with a convolution in
/// front of it, the input's through col2im) against central differences in float64.
@Suite struct ConvolutionTests {
    /// y[r, f, oy, ox] = f(b[f] + Σ_c,i,j w[f, c, i, j] · x[r, c, oy·stride − padding + i, ox·stride − padding + j]),
    /// outside the image 0.
    static func directConvolution(_ x: Matrix<Double>, channels: Int, height: Int, width: Int,
                                  weights w: [Double], bias: [Double], kernel k: Int, stride: Int, padding: Int,
                                  activation: Activation) -> [Double] {
        let filters = bias.count
        let oh = (height + 2 * padding - k) / stride + 1, ow = (width + 2 * padding - k) / stride + 1
        var y: [Double] = []
        for r in 0..<x.rows {
            for f in 0..<filters {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var z = bias[f]
                        for c in 0..<channels {
                            for i in 0..<k {
                                for j in 0..<k {
                                    let py = oy * stride - padding + i, px = ox * stride - padding + j
                                    if py < 0 || py >= height || px < 0 || px >= width { continue }
                                    z += w[f * channels * k * k + c * k * k + i * k + j]
                                        * x[r, c * height * width + py * width + px]
                                }
                            }
                        }
                        y.append(activation.value(z))
                    }
                }
            }
        }
        return y
    }

    /// Biases away from zero (ReLU's kink) and different per filter.
    static func spreadBiases(_ net: Network<Double>) {
        for s in net.stack.indices where net.stack[s].parameterTensorCount == 2 {
            net.stack[s].withMutableParameter(1) { b in
                for i in b.indices { b[i] = 0.3 - 0.2 * Double(i) }
            }
        }
    }

    @Test(arguments: [(1, 0), (1, 1), (2, 0), (2, 1)])
    func theFastPassIsTheDirectConvolution(stride: Int, padding: Int) throws {
        var g = RandomGenerator(seed: UInt64(10 + 3 * stride + padding))
        let (c, h, w, k, filters) = (2, 5, 6, 3, 3)
        let net = try Network<Double>(inputShape: Shape([c, h, w]))
        try net.addConvolution(filters: filters, kernel: k, stride: stride, padding: padding, activation: .relu,
                               generator: &g)
        Self.spreadBiases(net)
        let oh = (h + 2 * padding - k) / stride + 1, ow = (w + 2 * padding - k) / stride + 1
        #expect(net.shapes == [Shape([filters, oh, ow])])
        #expect(net.tensorSizes == [filters * c * k * k, filters])
        // An identity dense layer after it, so the network's output is the convolution's.
        var identity = Matrix<Double>(rows: filters * oh * ow, columns: filters * oh * ow)
        for i in 0..<identity.rows { identity[i, i] = 1 }
        try net.add(DenseLayer(weights: identity, bias: [Double](repeating: 0, count: identity.rows), activation: .linear))
        let x: Matrix<Double> = randomMatrix(4, c * h * w, &g)
        let expected = Self.directConvolution(x, channels: c, height: h, width: w, weights: net.stack[0].parameter(0),
                                              bias: net.stack[0].parameter(1), kernel: k, stride: stride,
                                              padding: padding, activation: .relu)
        #expect(expected.contains { $0 > 0.1 } && expected.contains { $0 == 0 })   // both sides of the ReLU
        #expect(isClose(try net.predict(x).storage, expected, tolerance: 1e-12))
        #expect(isClose(net.stack[0].reference(x).storage, expected, tolerance: 1e-12))
        // float32 runs the same passes.
        let single = net.converted(to: Float.self)
        #expect(isClose(try single.predict(x.converted()).storage.map(Double.init), expected, tolerance: 1e-4))
    }

    /// conv (image 2×6×6, 3 filters 3×3, stride 1, padding 1) → conv (2 filters 3×3, stride 2,
    /// padding 1) → dense 3 softmax: the second convolution passes its input's gradient back
    /// through col2im, finished by the first one's activation.
    @Test(arguments: [Activation.relu, .linear, .tanh, .sigmoid, .leakyReLU(alpha: 0.1)])
    func gradientsMatchCentralDifferences(activation: Activation) throws {
        var g = RandomGenerator(seed: 23)
        let net = try Network<Double>(inputShape: Shape([2, 6, 6]))
        try net.addConvolution(filters: 3, kernel: 3, stride: 1, padding: 1, activation: activation, generator: &g)
        try net.addConvolution(filters: 2, kernel: 3, stride: 2, padding: 1, activation: activation, generator: &g)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        Self.spreadBiases(net)
        #expect(net.shapes == [Shape([3, 6, 6]), Shape([2, 3, 3]), Shape(3)])
        let x: Matrix<Double> = randomMatrix(5, 72, &g)
        let data = MatrixData(inputs: x, labels: (0..<5).map { _ in g.nextInt(below: 3) }, classes: 3)
        let report = try net.gradientCheck(on: data, regularization: Regularization(l2: 0.05), generator: &g)
        #expect(report.entries.map(\.kind) == [.weights, .bias, .weights, .bias, .weights, .bias])
        #expect(report.entries.map(\.total) == net.tensorSizes)
        #expect(report.maxRelativeError < 1e-6, "\(report.entries.map(\.relativeError))")
    }

    /// 48 bars on 1×6×6 images, vertical (label 1) or horizontal (0) at a random place, with
    /// noise up to 0.1 (the convolution and batch-norm training tests).
    static func bars(_ g: inout RandomGenerator, count: Int = 48) -> MatrixData<Float> {
        var x = Matrix<Float>(rows: count, columns: 36)
        var labels: [Int] = []
        for r in 0..<count {
            let vertical = r % 2, at = g.nextInt(below: 6)
            for i in 0..<6 { x[r, vertical == 1 ? i * 6 + at : at * 6 + i] = 1 }
            for i in 0..<36 { x[r, i] += Float(0.1 * g.nextUniform()) }
            labels.append(vertical)
        }
        return MatrixData(inputs: x, labels: labels, classes: 2)
    }

    /// The trainer runs a convolution end to end (float32): bars on 1×6×6 images, vertical
    /// or horizontal at a random place, are told apart on the training set after a short run,
    /// with every kernel weight moved by the optimiser.
    @Test func aConvolutionalNetworkLearnsBars() throws {
        var g = RandomGenerator(seed: 7)
        let data = Self.bars(&g)
        let net = try Network<Float>(inputShape: Shape([1, 6, 6]))
        try net.addConvolution(filters: 4, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        let before = try net.evaluate(on: data).loss
        let kernels = net.stack[0].parameter(0), biases = net.stack[0].parameter(1)
        let result = try net.train(on: data, options: TrainingOptions(epochs: 40, batchSize: 8,
                                                                      optimizer: OptimizerSettings(.adam, learningRate: 0.01)),
                                   generator: &g)
        #expect(result.epochs.count == 40)
        // The optimiser steps the convolution's tensors too (not only the dense layer's).
        #expect(zip(net.stack[0].parameter(0), kernels).allSatisfy { abs($0 - $1) > 1e-4 })
        #expect(net.stack[0].parameter(1) != biases)
        let after = try net.evaluate(on: data)
        #expect(after.loss < before / 4 && after.accuracy == 1, "loss \(before) → \(after.loss), accuracy \(after.accuracy)")
    }

    /// A run that diverges stops with the usual error naming a layer with parameters in the
    /// stack (the convolution is layer 1, the dense layer layer 2), and the weights are restored.
    @Test func aDivergingConvolutionalNetworkStopsWithAnError() throws {
        var g = RandomGenerator(seed: 21)
        let data = MatrixData(inputs: randomMatrix(32, 16, scale: 3, &g) as Matrix<Float>,
                              targets: randomMatrix(32, 1, scale: 30, &g))
        let net = try Network<Float>(inputShape: Shape([1, 4, 4]))
        try net.addConvolution(filters: 2, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addDense(outputs: 1, activation: .linear, generator: &g)
        var caught: EngineError?
        do {
            try net.train(on: data, options: TrainingOptions(epochs: 100, batchSize: 8,
                                                             optimizer: OptimizerSettings(.sgd, learningRate: 0.5)),
                          generator: &g)
        } catch { caught = error }
        let error = try #require(caught)
        #expect(error.kind == .nonFinite, "\(error.message)")
        let layer = try #require(error.layer)
        let named = layer == 0 ? "layer 1 (conv 2 3×3 stride 1 padding 1 relu)" : "layer 2 (32→1 linear)"
        #expect(layer < 2 && error.message.contains(named), "\(error.message)")
        #expect(net.stack.allSatisfy { l in (0..<l.parameterTensorCount).allSatisfy { l.parameter($0).allSatisfy(\.isFinite) } })
    }

    /// `Im2col` on its own: each column is the patch the definition says (zeros in the
    /// padding), and col2im is its adjoint (⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩), for strides 1–3,
    /// paddings 0–3, rows of outputs longer and shorter than the 8-lane copies.
    @Test(arguments: [(2, 5, 6, 3, 1, 0), (1, 7, 7, 3, 2, 1), (3, 9, 8, 2, 3, 2), (1, 4, 4, 4, 1, 3),
                      (2, 11, 13, 3, 1, 1), (1, 20, 19, 5, 2, 0)])
    func theColumnsAreThePatches(channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
        let geometry = Im2col(channels: channels, height: height, width: width, kernel: kernel, stride: stride, padding: padding)
        let (k, p, n, ow) = (geometry.patch, geometry.positions, geometry.imageCount, geometry.outWidth)
        var g = RandomGenerator(seed: UInt64(channels * 100 + height))
        let x = (0..<n).map { _ in g.nextUniform() - 0.5 }
        var col = [Double](repeating: .nan, count: k * p)   // every entry must be written
        x.withUnsafeBufferPointer { x in
            col.withUnsafeMutableBufferPointer { geometry.columns(of: x.baseAddress!, into: $0.baseAddress!) }
        }
        var wrong = 0
        for c in 0..<channels {
            for i in 0..<kernel {
                for j in 0..<kernel {
                    for q in 0..<p {
                        let iy = (q / ow) * stride - padding + i, ix = (q % ow) * stride - padding + j
                        let inside = iy >= 0 && iy < height && ix >= 0 && ix < width
                        let expected = inside ? x[(c * height + iy) * width + ix] : 0
                        if col[((c * kernel + i) * kernel + j) * p + q] != expected { wrong += 1 }
                    }
                }
            }
        }
        #expect(wrong == 0)
        let d = (0..<k * p).map { _ in g.nextUniform() - 0.5 }
        var dx = [Double](repeating: .nan, count: n)
        d.withUnsafeBufferPointer { d in
            dx.withUnsafeMutableBufferPointer { geometry.image(from: d.baseAddress!, into: $0.baseAddress!) }
        }
        let left = zip(col, d).reduce(0) { $0 + $1.0 * $1.1 }, right = zip(x, dx).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(isClose(left, right, tolerance: 1e-12), "\(left) vs \(right)")
    }

    /// One forward and backward pass of `net` over `x` in a workspace, with a pool of `parts`
    /// (helpers: `helpers`, default one per part) or none: the output layer's outputs and
    /// every layer's gradients.
    static func pass(_ net: Network<Double>, _ data: MatrixData<Double>, parts: Int, helpers: Int? = nil)
        -> (outputs: [Double], gradients: [[Double]]) {
        let ws = Workspace(network: net, capacity: data.count, targetWidth: 3)
        ws.fill(from: data, start: 0, rows: data.count)
        let pool = parts > 1 ? WorkerPool(parts: parts, helpers: helpers) : nil
        defer { pool?.shutdown() }
        let jobs = pool.map { ParallelJobs<Double>(pool: $0) }
        net.forwardPass(ws, rows: data.count, cost: net.cost, withDelta: true, scale: 1 / Double(data.count), parallel: jobs)
        net.backwardPass(ws, rows: data.count, parallel: jobs)
        let gradients = ws.layers.flatMap { $0.parameterGradients.map(\.array) }
        return (ws.layers[0].output!.array + ws.layers[1].output!.array, gradients)
    }

    /// The convolutions' passes cut over a pool's parts by examples (`ConvolutionBatch`) give
    /// what one part gives (each part's partial gradients added in), for batches that split
    /// evenly, unevenly and leave a part empty; and the same bits whichever thread runs a
    /// part (a pool whose caller runs every part, as when the helpers are late).
    @Test(arguments: [(5, 2), (13, 2), (13, 3), (33, 3), (64, 2)])
    func aPoolGivesWhatOneThreadGives(rows: Int, parts: Int) throws {
        var g = RandomGenerator(seed: UInt64(rows + parts))
        let net = try Network<Double>(inputShape: Shape([2, 12, 12]))
        try net.addConvolution(filters: 8, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addConvolution(filters: 4, kernel: 3, stride: 2, padding: 1, activation: .tanh, generator: &g)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        Self.spreadBiases(net)
        let data = MatrixData(inputs: randomMatrix(rows, 288, &g) as Matrix<Double>,
                              labels: (0..<rows).map { _ in g.nextInt(below: 3) }, classes: 3)
        let one = Self.pass(net, data, parts: 1)
        let split = Self.pass(net, data, parts: parts)
        #expect(split.outputs == one.outputs)   // each example's products are the same calls
        for (a, b) in zip(split.gradients, one.gradients) { #expect(isClose(a, b, tolerance: 1e-12)) }
        #expect(one.gradients[0].contains { $0 != 0 } && one.gradients[2].contains { $0 != 0 })
        let callerOnly = Self.pass(net, data, parts: parts, helpers: 0)
        #expect(callerOnly.outputs == split.outputs && callerOnly.gradients == split.gradients)
    }

    /// The trainer's pool takes a convolutional network (its second convolution's product is
    /// large enough: 64 × 144 × 72 per example): 2 threads train to 1 thread's weights, and two
    /// 2-thread runs to the same bits.
    @Test(.enabled(if: WorkerPool.processors > 1, "one processor: the trainer never splits"))
    func twoThreadsTrainAsOne() throws {
        var g = RandomGenerator(seed: 12)
        let data = MatrixData(inputs: randomMatrix(40, 288, &g) as Matrix<Double>,
                              labels: (0..<40).map { _ in g.nextInt(below: 3) }, classes: 3)
        func train(threads: Int) throws -> [[Double]] {
            var rng = RandomGenerator(seed: 5)
            let net = try Network<Double>(inputShape: Shape([2, 12, 12]))
            try net.addConvolution(filters: 8, kernel: 3, padding: 1, activation: .relu, generator: &rng)
            try net.addConvolution(filters: 64, kernel: 3, padding: 1, activation: .tanh, generator: &rng)
            try net.addDense(outputs: 3, activation: .softmax, generator: &rng)
            var options = TrainingOptions(epochs: 2, batchSize: 16, optimizer: OptimizerSettings(.adam, learningRate: 0.01))
            options.threads = threads
            let result = try net.train(on: data, options: options, generator: &rng)
            #expect(result.threads == threads, "the run computed on \(threads) thread(s)")
            return net.stack.flatMap { layer in (0..<layer.parameterTensorCount).map { layer.parameter($0) } }
        }
        let one = try train(threads: 1), two = try train(threads: 2), again = try train(threads: 2)
        for (a, b) in zip(one, two) { #expect(isClose(a, b, tolerance: 1e-9)) }
        #expect(two == again)
    }

    /// A network with a dense layer somewhere but a convolution last cannot run (the cost
    /// needs a dense output layer). (`addConvolution` refuses the dense layer's flat output,
    /// so the layer is appended as it is.)
    @Test func aConvolutionCannotBeTheOutputLayer() throws {
        var g = RandomGenerator(seed: 6)
        let net = try Network<Double>(inputWidth: 8)
        try net.addDense(outputs: 18, activation: .relu, generator: &g)
        try net.append(ConvolutionLayer<Double>(image: Shape([2, 3, 3]), filters: 2, kernel: 2, activation: .relu, generator: &g))
        #expect(throws: EngineError.self) { try net.predict(Matrix<Double>(rows: 1, columns: 8)) }
    }

    @Test func shapesThatDoNotFitAreRefused() throws {
        var g = RandomGenerator(seed: 5)
        // A flat input is refused, saying where an image shape comes from.
        let flat = try Network<Double>(inputWidth: 50)
        let error = try #require(throws: EngineError.self) {
            try flat.addConvolution(filters: 2, kernel: 3, activation: .relu, generator: &g)
        }
        #expect(error.kind == .shapeMismatch)
        #expect(error.message == "a convolution needs images (channels×height×width), but the network's input is 50 flat values; make the network from an image dataset")
        // So is a dense layer's flat output, naming the layer.
        try flat.addDense(outputs: 18, activation: .relu, generator: &g)
        let afterDense = try #require(throws: EngineError.self) {
            try flat.addConvolution(filters: 2, kernel: 3, activation: .relu, generator: &g)
        }
        #expect(afterDense.message == "a convolution needs images (channels×height×width), but layer 1 (dense) gives 18 flat values")
        #expect(flat.stack.count == 1)
        let net = try Network<Double>(inputShape: Shape([2, 5, 5]))
        #expect(throws: EngineError.self) {   // the kernel is larger than the padded image
            try net.addConvolution(filters: 2, kernel: 8, activation: .relu, generator: &g)
        }
        #expect(throws: EngineError.self) {
            try net.addConvolution(filters: 2, kernel: 3, activation: .softmax, generator: &g)
        }
        #expect(net.stack.isEmpty)
        try net.addConvolution(filters: 2, kernel: 3, activation: .relu, generator: &g)
        #expect(net.layerSummaries == ["conv 2 3×3 stride 1 padding 0 relu"])
        // A network must end with a dense layer to run.
        #expect(throws: EngineError.self) { try net.predict(Matrix<Double>(rows: 1, columns: 50)) }
    }
}
