import Testing
@testable import Engine
import EngineTestSupport

/// Winograd's F(m×m, 3×3) path of the convolution layer (`Winograd`): each written-out transform
/// against its matrix, the batch steps (forward, ∂W, ∂b, ∂x) against the im2col path's on odd
/// sizes, paddings 0–2, several channel and filter counts, in float64 and float32, and which
/// layers take it.
@Suite struct WinogradTests {
    /// Each transform is out = L · X · Lᵀ with its matrix, on every lane: random X, the product
    /// written out with the matrix from `WinogradTransform.matrices`.
    @Test(arguments: [2, 4])
    func eachTransformIsItsMatrix(m: Int) {
        var g = RandomGenerator(seed: UInt64(m))
        for transform in WinogradTransform.allCases {
            let l = transform.matrix(m: m), a = l.count, r = l[0].count
            let x = (0..<r * r * 8).map { _ in g.nextUniform() - 0.5 }
            var out = [Double](repeating: .nan, count: a * a * 8), work = [Double](repeating: 0, count: a * r * 8)
            x.withUnsafeBufferPointer { x in
                work.withUnsafeMutableBufferPointer { work in
                    out.withUnsafeMutableBufferPointer { out in
                        transform.apply(m: m, x.baseAddress!, 8, work: work.baseAddress!, out.baseAddress!, 8)
                    }
                }
            }
            var wrong = 0
            for lane in 0..<8 {
                for i in 0..<a {
                    for j in 0..<a {
                        var s = 0.0
                        for k in 0..<r {
                            for q in 0..<r { s += l[i][k] * x[(k * r + q) * 8 + lane] * l[j][q] }
                        }
                        if !isClose(out[(i * a + j) * 8 + lane], s, tolerance: 1e-14) { wrong += 1 }
                    }
                }
            }
            #expect(wrong == 0, "\(transform) m = \(m)")
        }
    }

    /// One forward and backward step of `layer`'s batch over `x` (rows examples) with ∂L/∂y =
    /// `dy`, by Winograd with `winograd` or by im2col (nil), cut into `parts` parts run in the
    /// order `order`: y, ∂W, ∂b and ∂x (the gradients start at 1, so adding is checked too).
    static func step<T: Scalar>(_ layer: ConvolutionLayer<T>, winograd: Winograd?, x: [T], dy: [T], rows: Int,
                                parts: Int = 1, order: [Int]? = nil) -> (y: [T], dW: [T], db: [T], dx: [T]) {
        let geometry = layer.geometry, f = layer.filters
        let sizes: [Int]
        if let w = winograd {
            sizes = [w.transformedCount(rows: rows, filters: f), parts * w.workCount(filters: f),
                     parts * w.partialCount(filters: f), w.filterCount(filters: f)]
        } else {
            sizes = [rows * geometry.patch * geometry.positions, parts * geometry.patch * geometry.positions,
                     (parts - 1) * (layer.weights.count + f), 0]
        }
        let buffers = sizes.map { Buffer<T>(count: $0) }
        var y = [T](repeating: .nan, count: rows * layer.outputCount), delta = dy
        var dW = [T](repeating: 1, count: layer.weights.count), db = [T](repeating: 1, count: f)
        var dx = [T](repeating: .nan, count: rows * geometry.imageCount)
        let plane = (0..<f).flatMap { [T](repeating: layer.bias[$0], count: geometry.positions) }
        x.withUnsafeBufferPointer { x in
            layer.weights.withUnsafeBufferPointer { w in
                plane.withUnsafeBufferPointer { plane in
                    y.withUnsafeMutableBufferPointer { y in
                        delta.withUnsafeMutableBufferPointer { delta in
                            dW.withUnsafeMutableBufferPointer { dW in
                                db.withUnsafeMutableBufferPointer { db in
                                    dx.withUnsafeMutableBufferPointer { dx in
                                        winograd?.transformFilters(w.baseAddress!, filters: f, into: buffers[3].pointer)
                                        var batch = ConvolutionBatch(
                                            step: .forward, geometry: geometry, filters: f, activation: layer.activation, rows: rows,
                                            x: x.baseAddress!, y: y.baseAddress!, weights: w.baseAddress!, biasPlane: plane.baseAddress!,
                                            columns: buffers[0].pointer, partColumns: buffers[1].pointer, partials: buffers[2].pointer,
                                            winograd: winograd, transformedFilters: winograd == nil ? nil : buffers[3].pointer)
                                        for part in order ?? Array(0..<parts) { batch.run(part: part, of: parts) }
                                        batch.finish(parts: parts)
                                        batch.step = .backward
                                        batch.delta = delta.baseAddress!
                                        batch.weightGradient = dW.baseAddress!
                                        batch.biasGradient = db.baseAddress!
                                        batch.inputGradient = dx.baseAddress!
                                        for part in order ?? Array(0..<parts) { batch.run(part: part, of: parts) }
                                        batch.finish(parts: parts)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, dW, db, dx)
    }

    /// The largest difference between `a` and `b` over b's largest magnitude.
    static func relativeError<T: Scalar>(_ a: [T], _ b: [Double]) -> Double {
        let scale = b.map(abs).max() ?? 1
        return zip(a, b).map { abs(Double($0) - $1) }.max()! / Swift.max(scale, 1e-300)
    }

    /// (channels, filters, height, width, padding, m): odd sizes whose tiles overhang the output,
    /// an image no larger than a tile, paddings 0, 1 ("same") and 2.
    static let shapes: [(Int, Int, Int, Int, Int, Int)] = [
        (2, 3, 5, 6, 0, 4), (3, 5, 7, 7, 1, 4), (4, 2, 9, 8, 1, 2), (1, 3, 6, 11, 2, 4),
        (5, 9, 13, 13, 0, 4), (2, 4, 3, 3, 1, 2), (3, 2, 4, 5, 0, 2), (6, 4, 10, 9, 2, 2),
    ]

    /// Forward, ∂W, ∂b and ∂x by Winograd are im2col's to 1e-12 in float64 (relative to the
    /// largest value; measured up to 1.2e-14), and within 5e-5 in float32 against float64
    /// im2col (measured: F(2×2) up to 5e-7, F(4×4) up to 1.7e-5 for y, 1.7e-6 for the
    /// gradients), for 11 examples (chunks and 8-lane groups cut short).
    @Test(arguments: shapes)
    func theWinogradStepIsTheIm2colStep(shape: (Int, Int, Int, Int, Int, Int)) throws {
        let (c, f, h, w, padding, m) = shape, rows = 11
        var g = RandomGenerator(seed: UInt64(c * 1000 + f * 100 + h * 10 + padding))
        let layer = try ConvolutionLayer<Double>(image: Shape([c, h, w]), filters: f, kernel: 3, padding: padding,
                                                 activation: .tanh, generator: &g)
        var biased = layer
        biased.bias = (0..<f).map { 0.2 - 0.1 * Double($0) }
        let winograd = Winograd(channels: c, height: h, width: w, padding: padding, m: m)
        let x = (0..<rows * c * h * w).map { _ in 2 * g.nextUniform() - 1 }
        let dy = (0..<rows * biased.outputCount).map { _ in 2 * g.nextUniform() - 1 }
        let expected = Self.step(biased, winograd: nil, x: x, dy: dy, rows: rows)
        #expect(isClose(expected.y, biased.reference(Matrix(rows: rows, columns: c * h * w, storage: x)).storage,
                        tolerance: 1e-12))
        let fast = Self.step(biased, winograd: winograd, x: x, dy: dy, rows: rows)
        let errors = [Self.relativeError(fast.y, expected.y), Self.relativeError(fast.dW, expected.dW),
                      Self.relativeError(fast.db, expected.db), Self.relativeError(fast.dx, expected.dx)]
        #expect(errors.allSatisfy { $0 < 1e-12 }, "y, ∂W, ∂b, ∂x: \(errors)")
        let single = biased.convertedLayer(to: Float.self) as! ConvolutionLayer<Float>
        let fast32 = Self.step(single, winograd: winograd, x: x.map(Float.init), dy: dy.map(Float.init), rows: rows)
        let errors32 = [Self.relativeError(fast32.y, expected.y), Self.relativeError(fast32.dW, expected.dW),
                        Self.relativeError(fast32.db, expected.db), Self.relativeError(fast32.dx, expected.dx)]
        #expect(errors32.allSatisfy { $0 < 5e-5 }, "float32 y, ∂W, ∂b, ∂x: \(errors32)")
    }

    /// A batch cut into 3 parts gives one part's y and ∂x bits, ∂W and ∂b to rounding, and the
    /// same bits whichever order the parts run in (as any thread may run any part).
    @Test(arguments: [(13, 4), (21, 2), (5, 4)])
    func partsGiveTheSameBitsInAnyOrder(rows: Int, m: Int) throws {
        var g = RandomGenerator(seed: UInt64(rows))
        let layer = try ConvolutionLayer<Double>(image: Shape([3, 7, 8]), filters: 4, kernel: 3, padding: 1,
                                                 activation: .relu, generator: &g)
        let winograd = Winograd(channels: 3, height: 7, width: 8, padding: 1, m: m)
        let x = (0..<rows * 3 * 56).map { _ in 2 * g.nextUniform() - 1 }
        let dy = (0..<rows * layer.outputCount).map { _ in 2 * g.nextUniform() - 1 }
        let one = Self.step(layer, winograd: winograd, x: x, dy: dy, rows: rows)
        let split = Self.step(layer, winograd: winograd, x: x, dy: dy, rows: rows, parts: 3)
        let reversed = Self.step(layer, winograd: winograd, x: x, dy: dy, rows: rows, parts: 3, order: [2, 1, 0])
        #expect(split.y == one.y && split.dx == one.dx)
        #expect(isClose(split.dW, one.dW, tolerance: 1e-12) && isClose(split.db, one.db, tolerance: 1e-12))
        #expect(reversed.y == split.y && reversed.dW == split.dW && reversed.db == split.db && reversed.dx == split.dx)
        #expect(one.dW.contains { $0 != 1 } && one.dx.contains { $0 != 0 })
    }

    /// A worker pool's parts (`ConvolutionTests.pass`) through two Winograd layers, the second
    /// passing ∂x back: the outputs are one thread's bits, the gradients one thread's to
    /// rounding, and a pool whose caller runs every part gives the pool's bits.
    @Test(arguments: [(13, 2), (33, 3), (64, 2)])
    func aPoolGivesWhatOneThreadGives(rows: Int, parts: Int) throws {
        var g = RandomGenerator(seed: UInt64(100 + rows + parts))
        let net = try Network<Double>(inputShape: Shape([2, 9, 9]))
        try net.addConvolution(filters: 4, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addConvolution(filters: 6, kernel: 3, padding: 1, activation: .tanh, generator: &g)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        ConvolutionTests.spreadBiases(net)
        #expect(net.stack.prefix(2).allSatisfy { ($0 as? ConvolutionLayer<Double>)?.winograd != nil })
        let data = MatrixData(inputs: randomMatrix(rows, 162, &g) as Matrix<Double>,
                              labels: (0..<rows).map { _ in g.nextInt(below: 3) }, classes: 3)
        let one = ConvolutionTests.pass(net, data, parts: 1)
        let split = ConvolutionTests.pass(net, data, parts: parts)
        #expect(split.outputs == one.outputs)
        for (a, b) in zip(split.gradients, one.gradients) { #expect(isClose(a, b, tolerance: 1e-12)) }
        #expect(one.gradients[0].contains { $0 != 0 } && one.gradients[2].contains { $0 != 0 })
        let callerOnly = ConvolutionTests.pass(net, data, parts: parts, helpers: 0)
        #expect(callerOnly.outputs == split.outputs && callerOnly.gradients == split.gradients)
    }

    /// Two Winograd layers in a row (2×6×6 → conv 3 3×3 padding 1 → conv 2 3×3 padding 0 →
    /// dense 3 softmax): the second passes ∂x back through B ∂V Bᵀ; every gradient matches
    /// central differences in float64, at every activation a convolution allows.
    @Test(arguments: [Activation.relu, .linear, .tanh, .sigmoid, .leakyReLU(alpha: 0.1)])
    func gradientsThroughTwoWinogradLayersMatchCentralDifferences(activation: Activation) throws {
        var g = RandomGenerator(seed: 29)
        let net = try Network<Double>(inputShape: Shape([2, 6, 6]))
        try net.addConvolution(filters: 3, kernel: 3, padding: 1, activation: activation, generator: &g)
        try net.addConvolution(filters: 2, kernel: 3, activation: activation, generator: &g)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        ConvolutionTests.spreadBiases(net)
        let layers = net.stack.prefix(2).compactMap { $0 as? ConvolutionLayer<Double> }
        #expect(layers.count == 2 && layers.allSatisfy { $0.winograd != nil })
        let x: Matrix<Double> = randomMatrix(5, 72, &g)
        let data = MatrixData(inputs: x, labels: (0..<5).map { _ in g.nextInt(below: 3) }, classes: 3)
        let report = try net.gradientCheck(on: data, regularization: Regularization(l2: 0.05), generator: &g)
        #expect(report.entries.map(\.total) == net.tensorSizes)
        #expect(report.maxRelativeError < 1e-6, "\(report.entries.map(\.relativeError))")
    }

    /// 3×3 stride-1 convolutions over more than one channel take the Winograd path (its scratch:
    /// V, the bias plane, the parts' work, the parts' ∂U and U); others im2col's. After a
    /// forward pass the layer's U is G g Gᵀ of its weights, so the path ran.
    @Test func threeByThreeStrideOneLayersTakeTheWinogradPath() throws {
        var g = RandomGenerator(seed: 3)
        let image = Shape([4, 9, 9])
        let takes = try ConvolutionLayer<Double>(image: image, filters: 5, kernel: 3, padding: 1, activation: .relu, generator: &g)
        let winograd = try #require(takes.winograd)
        #expect(winograd.m == 4 && winograd.padding == 1)
        #expect(takes.scratchSizes(input: image, capacity: 16).count == 5)
        for (kernel, stride, channels) in [(3, 2, 4), (5, 1, 4), (3, 1, 1)] {
            let layer = try ConvolutionLayer<Double>(image: Shape([channels, 9, 9]), filters: 5, kernel: kernel, stride: stride,
                                                     activation: .relu, generator: &g)
            #expect(layer.winograd == nil && layer.scratchSizes(input: image, capacity: 16).count == 4)
        }
        let net = try Network<Double>(inputShape: image)
        try net.append(takes)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        let ws = Workspace(network: net, capacity: 6, targetWidth: 3)
        let data = MatrixData(inputs: randomMatrix(6, 324, &g) as Matrix<Double>, labels: [0, 1, 2, 0, 1, 2], classes: 3)
        ws.fill(from: data, start: 0, rows: 6)
        net.forwardPass(ws, rows: 6, cost: net.cost, withDelta: true, scale: 1 / 6.0, parallel: nil)
        let u = ws.layers[0].scratch[4].array
        let (_, gm, _) = WinogradTransform.matrices(m: 4)
        // U[ξν][f][c] for filter 2, channel 3 at ξν = (1, 4): Σ G[1][i] g[i][j] G[4][j].
        let kernel = Array(takes.weights[(2 * 4 + 3) * 9..<(2 * 4 + 3) * 9 + 9])
        var expected = 0.0
        for i in 0..<3 { for j in 0..<3 { expected += gm[1][i] * kernel[i * 3 + j] * gm[4][j] } }
        #expect(isClose(u[(1 * 6 + 4) * winograd.filterColumns(filters: 5) + 2 * 4 + 3], expected, tolerance: 1e-12))
    }
}
