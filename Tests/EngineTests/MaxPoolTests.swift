import Testing
@testable import Engine
import EngineTestSupport

/// The max-pooling layer: its pass against a pooling written out here with 4-D indices, where
/// its gradient goes on ties, its gradients through conv → maxpool → dense against central
/// differences in float64, training, and the shapes it refuses.
@Suite struct MaxPoolTests {
    /// y[r, c, oy, ox] = max over i, j < window of x[r, c, oy·stride + i, ox·stride + j].
    static func directPooling(_ x: [Double], rows: Int, channels: Int, height: Int, width: Int,
                              window: Int, stride: Int) -> [Double] {
        let oh = (height - window) / stride + 1, ow = (width - window) / stride + 1
        var y: [Double] = []
        for r in 0..<rows {
            for c in 0..<channels {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var best = -Double.infinity
                        for i in 0..<window {
                            for j in 0..<window {
                                best = max(best, x[r * channels * height * width + c * height * width
                                                  + (oy * stride + i) * width + ox * stride + j])
                            }
                        }
                        y.append(best)
                    }
                }
            }
        }
        return y
    }

    /// conv (image 2×5×7, 3 filters 2×2, linear) → maxpool → identity dense: the network's
    /// output is the pooling of the convolution's, whose 4×6 maps a window of 3 and stride 2
    /// cut with a remainder (rounded down, as PyTorch does).
    @Test(arguments: [(2, 2), (2, 1), (3, 2), (3, 3), (4, 1)])
    func thePassIsTheDirectPooling(window: Int, stride: Int) throws {
        var g = RandomGenerator(seed: UInt64(40 + 5 * window + stride))
        let (c, h, w) = (2, 5, 7)
        let net = try Network<Double>(inputShape: Shape([c, h, w]))
        try net.addConvolution(filters: 3, kernel: 2, activation: .linear, generator: &g)
        try net.addMaxPool(window: window, stride: stride)
        let oh = (4 - window) / stride + 1, ow = (6 - window) / stride + 1
        #expect(net.shapes == [Shape([3, 4, 6]), Shape([3, oh, ow])])
        #expect(net.tensorSizes == [3 * c * 2 * 2, 3])   // pooling has no parameters
        #expect(net.layerSummaries.last == "maxpool \(window)×\(window) stride \(stride)")
        var identity = Matrix<Double>(rows: 3 * oh * ow, columns: 3 * oh * ow)
        for i in 0..<identity.rows { identity[i, i] = 1 }
        try net.add(DenseLayer(weights: identity, bias: [Double](repeating: 0, count: identity.rows), activation: .linear))
        let x: Matrix<Double> = randomMatrix(4, c * h * w, &g)
        let maps = net.stack[0].reference(x)
        let expected = Self.directPooling(maps.storage, rows: 4, channels: 3, height: 4, width: 6,
                                          window: window, stride: stride)
        #expect(isClose(try net.predict(x).storage, expected, tolerance: 1e-12))
        #expect(net.stack[1].reference(maps).storage == expected)
        // Evaluation runs the training forward pass (which also keeps the argmax).
        let data = MatrixData(inputs: x, targets: Matrix(rows: 4, columns: 3 * oh * ow, storage: expected))
        #expect(try net.evaluate(on: data).loss < 1e-20)
        // float32 runs the same passes.
        let single = net.converted(to: Float.self)
        #expect(single.stack[1].isEqual(to: net.stack[1].convertedLayer(to: Float.self)))
        #expect(isClose(try single.predict(x.converted()).storage.map(Double.init), expected, tolerance: 1e-5))
    }

    /// A pooling may read the network's input image itself (a 1×5×5 image, windows 2 stride 1).
    @Test func thePoolingOfTheInput() throws {
        var g = RandomGenerator(seed: 12)
        let net = try Network<Float>(inputShape: Shape([1, 5, 5]))
        try net.addMaxPool(window: 2, stride: 1)
        try net.add(DenseLayer(weights: Matrix(rows: 16, columns: 16, storage: (0..<256).map { $0 % 17 == 0 ? 1 : 0 }),
                               bias: [Float](repeating: 0, count: 16), activation: .linear))
        #expect(net.shapes == [Shape([1, 4, 4]), Shape(16)])
        let x: Matrix<Float> = randomMatrix(3, 25, &g)
        let expected = Self.directPooling(x.storage.map(Double.init), rows: 3, channels: 1, height: 5, width: 5, window: 2, stride: 1)
        #expect(try net.predict(x).storage.map(Double.init) == expected)
    }

    /// On ties the gradient goes to the first maximum in row-major order, and nowhere else. A
    /// 1×1 convolution of weight 1 (linear) makes the pooling's input the image itself, and its
    /// gradient buffer is where the pooling writes ∂x.
    @Test func tiesSendTheGradientToTheFirstMaximum() throws {
        var g = RandomGenerator(seed: 3)
        let net = try Network<Double>(inputShape: Shape([1, 4, 4]))
        try net.addConvolution(filters: 1, kernel: 1, activation: .linear, generator: &g)
        net.stack[0].withMutableParameter(0) { $0[0] = 1 }
        try net.addMaxPool(window: 2)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        // Windows: all 1; all 0; 2 in its left column; all 3.
        let image: [Double] = [1, 1, 0, 0,
                               1, 1, 0, 0,
                               2, 0, 3, 3,
                               2, 0, 3, 3]
        let ws = Workspace(network: net, capacity: 1, targetWidth: 2)
        ws.inputs.copy(from: image)
        ws.targets.copy(from: [1, 0])
        net.forwardPass(ws, rows: 1, cost: net.cost, withDelta: true, scale: 1)
        #expect(Array(UnsafeBufferPointer(start: ws.outputPointers[1], count: 4)) == [1, 0, 2, 3])
        net.backwardPass(ws, rows: 1)
        let dy = ws.layers[1].gradient!.array, dx = ws.layers[0].gradient!.array
        #expect(dy.allSatisfy { $0 != 0 })
        var expected = [Double](repeating: 0, count: 16)
        for (o, at) in [0, 2, 8, 10].enumerated() { expected[at] = dy[o] }
        #expect(dx == expected)
    }

    /// conv (image 2×7×7, 3 filters 3×3, padding 1) → maxpool (3, stride 2: overlapping
    /// windows) → conv (2 filters 2×2) → maxpool 2 → dense 3 softmax: each pooling passes the
    /// gradient back to its argmax, finished by the convolution in front's activation.
    @Test(arguments: [Activation.relu, .linear, .tanh, .sigmoid])
    func gradientsMatchCentralDifferences(activation: Activation) throws {
        var g = RandomGenerator(seed: 29)
        let net = try Network<Double>(inputShape: Shape([2, 7, 7]))
        try net.addConvolution(filters: 3, kernel: 3, padding: 1, activation: activation, generator: &g)
        try net.addMaxPool(window: 3, stride: 2)
        try net.addConvolution(filters: 2, kernel: 2, activation: activation, generator: &g)
        try net.addMaxPool(window: 2)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        ConvolutionTests.spreadBiases(net)
        #expect(net.shapes == [Shape([3, 7, 7]), Shape([3, 3, 3]), Shape([2, 2, 2]), Shape([2, 1, 1]), Shape(3)])
        let x: Matrix<Double> = randomMatrix(6, 98, &g)
        let data = MatrixData(inputs: x, labels: (0..<6).map { _ in g.nextInt(below: 3) }, classes: 3)
        let report = try net.gradientCheck(on: data, regularization: Regularization(l2: 0.05), generator: &g)
        #expect(report.entries.map(\.kind) == [.weights, .bias, .weights, .bias, .weights, .bias])
        #expect(report.entries.map(\.total) == net.tensorSizes)
        #expect(report.maxRelativeError < 1e-6, "\(report.entries.map(\.relativeError))")
    }

    /// The trainer runs conv → maxpool → dense (float32): a bright 2×2 square in the left or
    /// the right half of a noisy 1×8×8 image is told apart after a short run.
    @Test func aPooledNetworkLearnsWhereTheSquareIs() throws {
        var g = RandomGenerator(seed: 8)
        let count = 48
        var x = Matrix<Float>(rows: count, columns: 64)
        var labels: [Int] = []
        for r in 0..<count {
            let right = r % 2, top = g.nextInt(below: 7), left = right * 4 + g.nextInt(below: 3)
            for i in 0..<2 { for j in 0..<2 { x[r, (top + i) * 8 + left + j] = 1 } }
            for i in 0..<64 { x[r, i] += Float(0.2 * g.nextUniform()) }
            labels.append(right)
        }
        let data = MatrixData(inputs: x, labels: labels, classes: 2)
        let net = try Network<Float>(inputShape: Shape([1, 8, 8]))
        try net.addConvolution(filters: 4, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addMaxPool(window: 2)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        #expect(net.shapes == [Shape([4, 8, 8]), Shape([4, 4, 4]), Shape(2)])
        let before = try net.evaluate(on: data).loss
        let kernels = net.stack[0].parameter(0)
        try net.train(on: data, options: TrainingOptions(epochs: 40, batchSize: 8,
                                                         optimizer: OptimizerSettings(.adam, learningRate: 0.01)),
                      generator: &g)
        // The gradient reaches the convolution through the pooling.
        #expect(zip(net.stack[0].parameter(0), kernels).contains { abs($0 - $1) > 1e-3 })
        let after = try net.evaluate(on: data)
        #expect(after.loss < before / 4 && after.accuracy == 1, "loss \(before) → \(after.loss), accuracy \(after.accuracy)")
    }

    @Test func shapesThatDoNotFitAreRefused() throws {
        var g = RandomGenerator(seed: 5)
        // A flat input has no image to pool.
        var caught: EngineError?
        do { try Network<Double>(inputWidth: 50).addMaxPool(window: 2) } catch { caught = error }
        #expect(caught?.message == "max pooling needs images (channels×height×width), but the network's input is 50 flat values; make the network from an image dataset")
        let net = try Network<Double>(inputShape: Shape([2, 5, 5]))
        try net.addConvolution(filters: 2, kernel: 3, activation: .relu, generator: &g)
        // The 2×3×3 maps.
        caught = nil
        do { try net.addMaxPool(window: 4) } catch { caught = error }
        #expect(caught?.kind == .shapeMismatch)
        #expect(caught?.message == "a 4×4 pooling window does not fit a 3×3 image")
        #expect(throws: EngineError.self) { try net.addMaxPool(window: 0) }
        #expect(throws: EngineError.self) { try net.addMaxPool(window: 2, stride: 0) }
        #expect(net.stack.count == 1)
        try net.addMaxPool(window: 3, stride: 1)
        #expect(net.shapes.last == Shape([2, 1, 1]))
        try net.addDense(outputs: 4, activation: .relu, generator: &g)
        caught = nil
        do { try net.addMaxPool(window: 1) } catch { caught = error }
        #expect(caught?.message == "max pooling needs images (channels×height×width), but layer 3 (dense) gives 4 flat values")
        #expect(net.stack.count == 3 && net.shapes.count == 3)
        // The layer checks the image itself, too.
        #expect(throws: EngineError.self) { try MaxPoolLayer<Float>(image: Shape(64), window: 2) }
    }

    /// The pooling's passes cut over a pool's parts by examples (`MaxPoolLayer.Batch`) give the
    /// bits of one part: its outputs, and ∂x, which the convolution in front turns into its δ
    /// (element-wise, so the same bits too), for 2×2 tiles and overlapping 3×3 windows, with
    /// batches that split evenly or not, small batches that stay on one thread, and a pool
    /// whose caller runs every part.
    @Test(arguments: [(2, 2, 64, 2), (2, 2, 33, 3), (3, 2, 40, 3), (3, 2, 64, 2), (2, 2, 5, 2)])
    func aPoolGivesWhatOneThreadGives(window: Int, stride: Int, rows: Int, parts: Int) throws {
        var g = RandomGenerator(seed: UInt64(rows + parts + window))
        let net = try Network<Double>(inputShape: Shape([2, 16, 16]))
        try net.addConvolution(filters: 8, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addMaxPool(window: window, stride: stride)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        ConvolutionTests.spreadBiases(net)
        // Large enough to share (rows × 8·16·16 ≥ 2¹⁶) but for the small batch.
        #expect((rows * 2048 >= 1 << 16) == (rows > 5))
        let data = MatrixData(inputs: randomMatrix(rows, 512, &g) as Matrix<Double>,
                              labels: (0..<rows).map { _ in g.nextInt(below: 3) }, classes: 3)
        func pass(parts: Int, helpers: Int? = nil) -> (pooled: [Double], delta: [Double]) {
            let ws = Workspace(network: net, capacity: rows, targetWidth: 3)
            ws.fill(from: data, start: 0, rows: rows)
            let pool = parts > 1 ? WorkerPool(parts: parts, helpers: helpers) : nil
            defer { pool?.shutdown() }
            let jobs = pool.map { ParallelJobs<Double>(pool: $0) }
            net.forwardPass(ws, rows: rows, cost: net.cost, withDelta: true, scale: 1 / Double(rows), parallel: jobs)
            net.backwardPass(ws, rows: rows, parallel: jobs)
            return (ws.layers[1].output!.array, ws.layers[0].gradient!.array)
        }
        let one = pass(parts: 1), split = pass(parts: parts), callerOnly = pass(parts: parts, helpers: 0)
        #expect(split.pooled == one.pooled && split.delta == one.delta)
        #expect(callerOnly.pooled == one.pooled && callerOnly.delta == one.delta)
        #expect(one.delta.contains { $0 != 0 } && one.delta.contains { $0 == 0 })
    }

    /// The pooling finishes the gradient of the layer in front (`appliesFrontEpilogue`): where
    /// windows do not overlap it applies f' to ∂y on the pooled values before unpooling, which
    /// must give the values of unpooling first and applying f' over ∂x with the layer's outputs
    /// (what the convolution did itself before); overlapping windows and softmax take the
    /// latter way. Float32, every activation, a part of the batch as a pool's thread runs it.
    @Test(arguments: [(2, 2), (2, 3), (3, 2), (3, 3)])
    func theFrontLayersDerivativeIsAppliedExactly(window: Int, stride: Int) throws {
        let (rows, c, h, w) = (5, 3, 13, 11)
        let layer = try MaxPoolLayer<Float>(image: Shape([c, h, w]), window: window, stride: stride)
        var g = RandomGenerator(seed: UInt64(7 * window + stride))
        let n = c * h * w, m = layer.outputCount
        for f in [Activation.relu, .leakyReLU(alpha: 0.1), .sigmoid, .tanh, .linear, .softmax] {
            // Outputs of the layer in front as its activation gives them (ties included).
            var x = (0..<rows * n).map { _ in Float(Double(g.nextInt(below: 41)) / 20 - 1) }
            if f == .sigmoid { x = x.map { ($0 + 1) / 2 } }
            if f == .relu { x = x.map { Swift.max(0, $0) } }
            let dy0 = (0..<rows * m).map { _ in Float(g.nextUniform() * 2 - 1) }
            let y = Buffer<Float>(count: rows * m)
            let fused = Buffer<Float>(count: rows * n), plain = Buffer<Float>(count: rows * n)
            let dyA = Buffer<Float>(count: rows * m), dyB = Buffer<Float>(count: rows * m)
            for i in 0..<rows * m { dyA.pointer[i] = dy0[i]; dyB.pointer[i] = dy0[i] }
            try x.withUnsafeBufferPointer { xp in
                let xs = xp.baseAddress!
                MaxPoolLayer.Batch(layer: layer, rows: rows, x: xs, y: y.pointer).run(part: 0, of: 1)
                // As `backward` sets it up for this front epilogue, for a part of the batch.
                let epilogue = Epilogue<Float>.derivative(f, output: UnsafeMutablePointer(mutating: xs))
                var a = MaxPoolLayer.Batch(layer: layer, rows: rows, x: xs, y: y.pointer, dy: dyA.pointer, dx: fused.pointer)
                a.finish = f != .softmax && stride >= window ? .onPooled(f) : .afterwards(epilogue)
                for part in 0..<2 { a.run(part: part, of: 2) }
                MaxPoolLayer.Batch(layer: layer, rows: rows, x: xs, y: y.pointer, dy: dyB.pointer, dx: plain.pointer)
                    .run(part: 0, of: 1)
                f.backpropagate(plain.pointer, output: xs, rows: rows, columns: n)
                // Equal values (a zero's sign may differ: 0 · f' < 0 is −0 where the fused pass writes 0).
                let differing = zip(fused.array, plain.array).filter { !($0 == $1 || $0.isNaN && $1.isNaN) }.count
                #expect(differing == 0, "\(f) window \(window) stride \(stride): \(differing) values differ")
                #expect(plain.array.contains { $0 != 0 })
            }
        }
    }

    // MARK: - The loops

    /// The pooling and its gradient written out here: each window's maximum and its winner,
    /// the first pixel in row-major order that a strict `>` keeps (the first if it is NaN);
    /// ∂x[winner] += ∂y[o] in output order, 0 elsewhere.
    static func directPass<T: Scalar>(_ x: [T], _ dy: [T], rows: Int, channels c: Int, height h: Int, width w: Int,
                                      window: Int, stride: Int) -> (y: [T], dx: [T]) {
        let oh = (h - window) / stride + 1, ow = (w - window) / stride + 1
        var y: [T] = [], dx = [T](repeating: 0, count: x.count)
        for r in 0..<rows {
            for ch in 0..<c {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var at = ((r * c + ch) * h + oy * stride) * w + ox * stride
                        for i in 0..<window {
                            for j in 0..<window {
                                let p = ((r * c + ch) * h + oy * stride + i) * w + ox * stride + j
                                if x[p] > x[at] { at = p }
                            }
                        }
                        dx[at] += dy[y.count]
                        y.append(x[at])
                    }
                }
            }
        }
        return (y, dx)
    }

    /// The same values: equal with the same sign, or both NaN.
    static func same<T: Scalar>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 && $0.sign == $1.sign || $0.isNaN && $1.isNaN }
    }

    /// The 2×2 stride-2 loops (`poolTiles`, `unpoolTiles`) and the general ones give the
    /// direct pass's bits on even and odd sizes (odd: a last row or column no window reads,
    /// whose gradient is 0), with ties everywhere (values from −1, −0, 0, 1), a NaN first and a
    /// NaN later in a window, windows at either side of 8 per row (the vector loops'
    /// width); every value of ∂x is written (it starts as 7). The general loops also on
    /// overlapping 3×3 windows of stride 2 and 2×2 of stride 1; float32 and float64.
    @Test(arguments: [(1, 4, 4), (2, 11, 11), (3, 7, 26), (2, 27, 18), (1, 5, 3), (1, 2, 35)])
    func theLoopsAreTheDirectPass(channels: Int, height: Int, width: Int) throws {
        try checkLoops(Float.self, channels: channels, height: height, width: width)
        try checkLoops(Double.self, channels: channels, height: height, width: width)
    }

    func checkLoops<T: Scalar>(_: T.Type, channels: Int, height: Int, width: Int) throws {
        var g = RandomGenerator(seed: UInt64(channels * 1000 + height * 40 + width))
        let rows = 3, n = channels * height * width
        let levels: [T] = [-1, -0.0, 0, 1]
        var x = (0..<rows * n).map { _ in levels[g.nextInt(below: levels.count)] }
        x[0] = .nan                        // the first pixel of the first window
        x[rows * n - 1 - width] = .nan     // a later pixel of some window (or of none)
        for (window, stride) in [(2, 2), (3, 2), (2, 1)] where window <= height && window <= width {
            let layer = try MaxPoolLayer<T>(image: Shape([channels, height, width]), window: window, stride: stride)
            let m = layer.outputCount
            let dy = (0..<rows * m).map { _ in T(g.nextInt(below: 1000) + 1) / 64 }
            let (y, dx) = Self.directPass(x, dy, rows: rows, channels: channels, height: height, width: width,
                                          window: window, stride: stride)
            let yGeneral = Buffer<T>(count: rows * m), dxGeneral = Buffer<T>(count: x.count)
            dxGeneral.pointer.update(repeating: 7, count: x.count)
            x.withUnsafeBufferPointer { xp in
                dy.withUnsafeBufferPointer { dyp in
                    layer.poolWindows(xp.baseAddress!, examples: 0..<rows, into: yGeneral.pointer)
                    layer.unpoolWindows(dyp.baseAddress!, x: xp.baseAddress!, y: yGeneral.pointer, examples: 0..<rows,
                                        into: dxGeneral.pointer)
                }
            }
            #expect(Self.same(yGeneral.array, y), "\(window)×\(window) stride \(stride)")
            #expect(Self.same(dxGeneral.array, dx), "\(window)×\(window) stride \(stride)")
            guard layer.tiles else { continue }
            let yTiles = Buffer<T>(count: rows * m), dxTiles = Buffer<T>(count: x.count)
            dxTiles.pointer.update(repeating: 7, count: x.count)
            x.withUnsafeBufferPointer { xp in
                dy.withUnsafeBufferPointer { dyp in
                    layer.poolTiles(xp.baseAddress!, examples: 0..<rows, into: yTiles.pointer)
                    layer.unpoolTiles(dyp.baseAddress!, x: xp.baseAddress!, y: yTiles.pointer, examples: 0..<rows,
                                      into: dxTiles.pointer)
                }
            }
            #expect(Self.same(yTiles.array, y))
            #expect(Self.same(dxTiles.array, dx))
            // The layer's `reference` agrees where there is no NaN (its `max` may keep a later
            // zero of the other sign: equal, so compared with ==).
            let clean = x.map { $0.isNaN ? 0 : $0 }
            let yClean = Buffer<T>(count: rows * m)
            clean.withUnsafeBufferPointer { layer.poolTiles($0.baseAddress!, examples: 0..<rows, into: yClean.pointer) }
            #expect(yClean.array == layer.reference(Matrix(rows: rows, columns: n, storage: clean)).storage)
        }
    }

    /// An image of more than 2²⁴ values, float32's last exact whole number: the winners were
    /// kept as Float offsets once, and such images refused. The last window's winner, its
    /// bottom right pixel, sits at the odd offset 2²⁴ + 3 and gets its gradient; every other
    /// window (all zeros) sends its gradient to its first pixel.
    @Test func imagesOfMoreThanTwoToTheTwentyFourValues() throws {
        let width = (1 << 23) + 2   // 2 rows: 2²⁴ + 4 values
        let layer = try MaxPoolLayer<Float>(image: Shape([1, 2, width]), window: 2)
        let m = layer.outputCount
        #expect(m == width / 2)
        let x = Buffer<Float>(count: 2 * width), y = Buffer<Float>(count: m)
        let dy = Buffer<Float>(count: m), dx = Buffer<Float>(count: 2 * width)
        x.pointer[2 * width - 1] = 1
        dy.pointer.update(repeating: 1, count: m)
        dy.pointer[m - 1] = 3
        layer.pool(x.pointer, examples: 0..<1, into: y.pointer)
        layer.unpool(dy.pointer, x: x.pointer, y: y.pointer, examples: 0..<1, into: dx.pointer)
        #expect(y.pointer[m - 1] == 1 && y.pointer[m - 2] == 0)
        #expect(dx.pointer[2 * width - 1] == 3)
        #expect((2 * width - 4 ..< 2 * width - 1).map { dx.pointer[$0] } == [0, 0, 0])
        #expect((0..<4).map { dx.pointer[$0] } == [1, 0, 1, 0])
        #expect((width ..< width + 4).map { dx.pointer[$0] } == [0, 0, 0, 0])
    }
}
