/// A 2-D convolution layer: `filters` square kernels of size k over an image of shape
/// [channels, height, width] (row-major per example, see `Shape`), with a stride and zero
/// padding, a bias per filter and an element-wise activation; its output is
/// [filters, outHeight, outWidth] with outHeight = (height + 2·padding − k) / stride + 1.
///
/// With P = outHeight·outWidth output positions and K = channels·k·k values per patch, per example:
///
///     im2col    col (K × P): col[(c·k + i)·k + j, p] = x[c, y·stride − padding + i, x·stride − padding + j]
///                            (0 outside the image; `Im2col`)
///     forward   y = f(W·col + b)        W (filters × K), b added to each filter's row    GEMM NN
///     backward  δ = ∂y ⊙ f'(y)          (its own, not the layer behind's, see `gradientEpilogue`)
///               ∂W += δ·colᵀ            (filters × K)                                     GEMM NT
///               ∂b += Σ_p δ             (per filter)
///               ∂col = Wᵀ·δ             (K × P), then col2im adds it back onto ∂x         GEMM TN
///
/// W is stored as PyTorch's [filters, channels, k, k], which is W's rows above. Its
/// columns (`makeBuffers`' scratch) are kept from the forward pass for ∂W. The activation is
/// one of the element-wise ones (softmax is refused) and runs through `Activation`'s batch
/// kernels, as a dense layer's does. He initialisation with fan-in K, biases zero.
///
/// How a batch runs, one GEMM per example, and is shared by a worker pool's threads (by
/// examples, each part with its own partial gradients): `ConvolutionBatch`. A 3×3 kernel at
/// stride 1 over more than one channel takes Winograd's F(4×4, 3×3) instead (`winograd`,
/// `Winograd`): the same maths in a quarter of the multiplications; `reference` and the tests
/// keep the direct sums beside it.
package struct ConvolutionLayer<T: Scalar>: Layer, Equatable {
    package typealias Element = T

    package let channels: Int, height: Int, width: Int
    package let filters: Int, kernel: Int, stride: Int, padding: Int
    package let activation: Activation
    /// [filters, channels, kernel, kernel], row-major.
    package var weights: [T]
    /// [filters].
    package var bias: [T]

    /// A layer for images of shape `image` ([channels, height, width]), weights drawn with
    /// He's rule from `generator`, biases zero; throws on settings that do not fit.
    package init(image: Shape, filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
         activation: Activation, generator: inout RandomGenerator) throws(EngineError) {
        try self.init(image: image, filters: filters, kernel: kernel, stride: stride, padding: padding,
                      activation: activation)
        drawParameters(generator: &generator)
    }

    /// A layer of these settings without its tensors yet (both empty): its shapes
    /// (`outputShape(for:)`, `parameterShapes`) are known before any memory is taken for them,
    /// which is how a model file's records are checked before its tensors are read
    /// (`init(unchecked:weights:bias:)` then gives it them); throws on settings that do not fit.
    package init(image: Shape, filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                 activation: Activation) throws(EngineError) {
        guard image.dimensions.count == 3, image.dimensions.allSatisfy({ $0 >= 1 }) else {
            throw EngineError(.shapeMismatch, "a convolution needs an image of shape channels×height×width, got \(image)")
        }
        guard filters >= 1, kernel >= 1, stride >= 1, padding >= 0 else {
            throw EngineError(.invalidArgument,
                              "a convolution needs at least 1 filter, a kernel and a stride of at least 1 and a padding of at least 0")
        }
        let (h, w) = (image.dimensions[1], image.dimensions[2])
        guard kernel <= h + 2 * padding, kernel <= w + 2 * padding else {
            throw EngineError(.shapeMismatch, "a \(kernel)×\(kernel) kernel does not fit a \(h)×\(w) image with padding \(padding)")
        }
        if case .softmax = activation {
            throw EngineError(.invalidArgument, "a convolution takes an element-wise activation, not softmax")
        }
        channels = image.dimensions[0]
        height = h
        width = w
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.activation = activation
        weights = []
        bias = []
    }

    package init(unchecked other: ConvolutionLayer<some Scalar>, weights: [T], bias: [T]) {
        channels = other.channels; height = other.height; width = other.width
        filters = other.filters; kernel = other.kernel; stride = other.stride; padding = other.padding
        activation = other.activation
        self.weights = weights
        self.bias = bias
    }

    /// Its patches' layout (`Im2col`).
    var geometry: Im2col {
        Im2col(channels: channels, height: height, width: width, kernel: kernel, stride: stride, padding: padding)
    }
    var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Output positions per filter (P).
    var positions: Int { outHeight * outWidth }
    /// Values per patch (K = channels·k·k).
    var patch: Int { channels * kernel * kernel }
    var inputCount: Int { channels * height * width }
    var outputCount: Int { filters * positions }

    package static var kind: String { "conv" }

    /// Its image shape, or a flat vector of as many values (the same values, row-major).
    package func outputShape(for input: Shape) throws(EngineError) -> Shape {
        guard input.reads(as: Shape([channels, height, width])) else {
            throw EngineError(.shapeMismatch,
                              "a convolution over \(Shape([channels, height, width])) images cannot take \(input)")
        }
        return Shape([filters, outHeight, outWidth])
    }

    package var parameterShapes: [Shape] { [Shape([filters, channels, kernel, kernel]), Shape(filters)] }
    package var parameterTensorCount: Int { 2 }
    package var parameterKinds: [ParameterKind] { [.weights, .bias] }

    package func withParameter<R>(_ index: Int, _ body: (UnsafeBufferPointer<T>) -> R) -> R {
        index == 0 ? weights.withUnsafeBufferPointer(body) : bias.withUnsafeBufferPointer(body)
    }

    package mutating func withMutableParameter<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<T>) -> R) -> R {
        index == 0 ? weights.withUnsafeMutableBufferPointer { body($0) } : bias.withUnsafeMutableBufferPointer { body($0) }
    }

    /// He: normal with standard deviation √(2 / K), biases zero.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package mutating func drawParameters(generator: inout RandomGenerator) {
        let std = WeightInitialization.he.standardDeviation(inputs: patch, outputs: filters)
        weights = (0..<filters * patch).map { _ in T(std * generator.nextGaussian()) }
        bias = [T](repeating: 0, count: filters)
    }

    /// Output and gradient (capacity × filters·P); scratch: the batch's columns
    /// (capacity × K·P), the bias spread over each filter's positions (filters × P) and, per
    /// part of a pool of up to `maxParts` parts, its ∂col (K × P) and (after the first) its
    /// partial ∂W and ∂b (`ConvolutionBatch`). On the Winograd path: the batch's V instead of
    /// its columns, the bias plane, per part its M and ∂V and its ∂U and ∂b, and U
    /// (`Winograd`'s layout).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<T> {
        LayerBuffers(output: Buffer(count: capacity * outputCount), gradient: Buffer(count: capacity * outputCount),
                     parameterGradients: [Buffer(count: weights.count), Buffer(count: filters)],
                     scratch: scratchSizes(input: input, capacity: capacity).map { Buffer(count: $0) })
    }

    package func scratchSizes(input: Shape, capacity: Int) -> [Int] {
        let parts = Self.maxParts
        if let w = winograd {
            return [w.transformedCount(rows: capacity, filters: filters), outputCount, parts * partWork,
                    parts * w.partialCount(filters: filters), w.filterCount(filters: filters)]
        }
        return [capacity * patch * positions, outputCount, parts * partWork, (parts - 1) * (weights.count + filters)]
    }

    /// The Winograd geometry (`Winograd`, F(4×4, 3×3)) when this layer's passes take it:
    /// a 3×3 kernel at stride 1 over more than one channel; else nil (im2col). A single
    /// channel's α² products are rank-1 updates, too thin to gain: with MNIST's first
    /// convolution on Winograd too, 200 batches of the CNN benchmark took 3.93–3.98 s against
    /// 3.30–3.69 s (1 thread, loaded machine).
    var winograd: Winograd? {
        guard kernel == 3, stride == 1, channels > 1 else { return nil }
        return Winograd(channels: channels, height: height, width: width, padding: padding)
    }

    /// One part's own working values (its ∂col, or its Winograd M and ∂V).
    var partWork: Int { winograd?.workCount(filters: filters) ?? patch * positions }

    /// The most parts a pool may cut a batch into for this layer's buffers: the processors (a
    /// training run's pool has no more), at least 4 (tests cut into 3 on 2 processors).
    static var maxParts: Int { Swift.max(WorkerPool.processors, 4) }

    /// The batch's products (`ConvolutionBatch`) over `pass`'s buffers.
    func batch(_ pass: Pass<T>, at s: Int, step: ConvolutionBatch<T>.Step, weights w: UnsafePointer<T>) -> ConvolutionBatch<T> {
        let buffers = pass.buffers(s)
        return ConvolutionBatch(step: step, geometry: geometry, filters: filters, activation: activation, rows: pass.rows,
                                x: pass.input(s), y: buffers.output!.pointer, weights: w,
                                biasPlane: buffers.scratch[1].pointer, columns: buffers.scratch[0].pointer,
                                partColumns: buffers.scratch[2].pointer, partials: buffers.scratch[3].pointer,
                                winograd: winograd, transformedFilters: winograd == nil ? nil : buffers.scratch[4].pointer)
    }

    /// Runs `batch` over the pool's parts when there is a pool (of no more parts than the
    /// buffers have room for) and the products are large enough to pay for the hand-over,
    /// else here as one part.
    func run(_ batch: ConvolutionBatch<T>, _ pass: Pass<T>, at s: Int) {
        if let parallel = pass.parallel, parallel.width > 1,
           parallel.width * partWork <= pass.buffers(s).scratch[2].count,
           pass.rows * outputCount * patch >= 1 << 16 {
            parallel.run(batch)
        } else {
            batch.runHere()
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func forward(_ pass: Pass<T>, at s: Int) {
        let buffers = pass.buffers(s)
        pass.setOutput(s, buffers.output!.pointer)
        let plane = buffers.scratch[1].pointer, p = positions
        for f in 0..<filters { (plane + f * p).update(repeating: bias[f], count: p) }
        guard pass.rows > 0 else { return }
        weights.withUnsafeBufferPointer { w in
            if let winograd {   // U = G g Gᵀ for this step's weights
                winograd.transformFilters(w.baseAddress!, filters: filters, into: buffers.scratch[4].pointer)
            }
            run(batch(pass, at: s, step: .forward, weights: w.baseAddress!), pass, at: s)
        }
    }

    /// The gradient buffers accumulate (the optimiser's update zeroes them, see `DenseLayer`).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func backward(_ pass: Pass<T>, at s: Int, frontEpilogue: Epilogue<T>) {
        guard pass.rows > 0 else { return }
        let buffers = pass.buffers(s)
        weights.withUnsafeBufferPointer { w in
            var b = batch(pass, at: s, step: .backward, weights: w.baseAddress!)
            b.delta = pass.gradient(s)
            b.deltaFinished = pass.gradientIsFinished(s)
            b.weightGradient = buffers.parameterGradients[0].pointer
            b.biasGradient = buffers.parameterGradients[1].pointer
            b.inputGradient = pass.needsInputGradient(s) ? pass.gradient(s - 1) : nil
            run(b, pass, at: s)
        }
    }

    /// col2im adds, so the layer in front finishes the gradient on its own (`finishGradient`).
    package var appliesFrontEpilogue: Bool { false }

    /// δ = ∂y ⊙ f'(y), read from its outputs: a layer behind that writes ∂y applies it as it
    /// does (max pooling on its pooled gradient, a dense layer in its product's parts).
    package func gradientEpilogue(_ pass: Pass<T>, at s: Int) -> Epilogue<T> {
        .derivative(activation, output: pass.output(s))
    }

    /// Nothing: when the layer behind did not apply `gradientEpilogue`, the backward pass turns
    /// ∂y into δ itself, example by example, just before the products read it
    /// (`ConvolutionBatch`), not in a pass of its own over the batch.
    package func finishGradient(_ pass: Pass<T>, at s: Int) {}

    /// Weights with the penalties, biases without.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package mutating func update(_ pass: Pass<T>, at s: Int, optimizer: Optimizer<T>, regularization: Regularization) {
        let gradients = pass.buffers(s).parameterGradients
        let tensor = pass.firstTensor(s)
        weights.withUnsafeMutableBufferPointer { w in
            optimizer.update(tensor: tensor, weights: w.baseAddress!, gradient: gradients[0].pointer,
                             range: 0..<w.count, l1: T(regularization.l1), l2: T(regularization.l2))
        }
        bias.withUnsafeMutableBufferPointer { b in
            optimizer.update(tensor: tensor + 1, weights: b.baseAddress!, gradient: gradients[1].pointer,
                             range: 0..<b.count, l1: 0, l2: 0)
        }
    }

    package func predict(_ pass: Pass<T>, at s: Int) { forward(pass, at: s) }

    /// The direct convolution, output by output (no im2col, no GEMM).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func reference(_ x: Matrix<T>) -> Matrix<T> {
        var y = Matrix<T>(rows: x.rows, columns: outputCount)
        for r in 0..<x.rows {
            for f in 0..<filters {
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        var z = bias[f]
                        for c in 0..<channels {
                            for i in 0..<kernel {
                                let iy = oy * stride - padding + i
                                guard iy >= 0, iy < height else { continue }
                                for j in 0..<kernel {
                                    let ix = ox * stride - padding + j
                                    guard ix >= 0, ix < width else { continue }
                                    z += weights[((f * channels + c) * kernel + i) * kernel + j]
                                        * x[r, (c * height + iy) * width + ix]
                                }
                            }
                        }
                        y[r, (f * outHeight + oy) * outWidth + ox] = activation.value(z)
                    }
                }
            }
        }
        return y
    }

    /// "conv 8 3×3 stride 1 padding 0 relu".
    package var summary: String { "conv \(filters) \(kernel)×\(kernel) stride \(stride) padding \(padding) \(activation)" }

    package func convertedLayer<U: Scalar>(to: U.Type) -> any Layer<U> {
        ConvolutionLayer<U>(unchecked: self, weights: weights.map { U($0) }, bias: bias.map { U($0) })
    }

    package func isEqual(to other: any Layer<T>) -> Bool { (other as? ConvolutionLayer<T>) == self }
}

extension ConvolutionLayer {
    /// Forward, per example: W (filters × K) · col (K × P).
    package func largestProduct(rows: Int) -> MatrixProduct? { MatrixProduct(m: filters, n: positions, k: patch) }
    package var unitActivation: Activation? { activation }
}
