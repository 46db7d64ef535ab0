/// Max pooling: each channel of an image [channels, height, width] (row-major per example, see
/// `Shape`) cut into window×window patches every `stride` pixels, each patch giving its largest
/// value. Its output is [channels, outHeight, outWidth] with outHeight = (height − window) /
/// stride + 1, rounded down (PyTorch's nn.MaxPool2d without padding or ceil_mode); no parameters.
///
/// Per example, with o = (c, oy, ox) an output position:
///
///     forward   y[o] = max over i, j < window of x[c, oy·stride + i, ox·stride + j]
///               a[o] = where in x that maximum is (the first in row-major order on ties)
///     backward  ∂x[a[o]] += ∂y[o] for every o; every other input gets 0 (overlapping windows,
///               stride < window, may send several outputs' gradients to one input)
///
/// The argmax offsets a (capacity × outputs, per example into its c·h·w values) are the
/// scratch `makeBuffers` gives, written by the forward pass and read by backward. They are kept
/// as T, whose whole numbers are exact up to 2²⁴ in Float: hence `largestImage`.
package struct MaxPoolLayer<T: Scalar>: ParameterFreeLayer, Equatable {
    package typealias Element = T

    package let channels: Int, height: Int, width: Int
    package let window: Int, stride: Int

    /// The most values an example may have: the argmax offsets must be exact in Float.
    static var largestImage: Int { 1 << 24 }

    /// A layer for images of shape `image` ([channels, height, width]) with a window of
    /// window×window pixels moved by `stride` (nil: the window, so windows do not overlap);
    /// throws on settings that do not fit.
    package init(image: Shape, window: Int, stride: Int? = nil) throws(EngineError) {
        guard image.dimensions.count == 3, image.dimensions.allSatisfy({ $0 >= 1 }) else {
            throw EngineError(.shapeMismatch, "max pooling needs an image of shape channels×height×width, got \(image)")
        }
        let stride = stride ?? window
        guard window >= 1, stride >= 1 else {
            throw EngineError(.invalidArgument, "max pooling needs a window and a stride of at least 1")
        }
        let (h, w) = (image.dimensions[1], image.dimensions[2])
        guard window <= h, window <= w else {
            throw EngineError(.shapeMismatch, "a \(window)×\(window) pooling window does not fit a \(h)×\(w) image")
        }
        guard image.count <= Self.largestImage else {
            throw EngineError(.tooLarge, "max pooling takes images of at most \(Self.largestImage) values, got \(image) = \(image.count)")
        }
        channels = image.dimensions[0]
        height = h
        width = w
        self.window = window
        self.stride = stride
    }

    var outHeight: Int { (height - window) / stride + 1 }
    var outWidth: Int { (width - window) / stride + 1 }
    var inputCount: Int { channels * height * width }
    var outputCount: Int { channels * outHeight * outWidth }

    package static var kind: String { "maxpool" }

    /// Its image shape, or a flat vector of as many values (the same values, row-major).
    package func outputShape(for input: Shape) throws(EngineError) -> Shape {
        guard input.reads(as: Shape([channels, height, width])) else {
            throw EngineError(.shapeMismatch,
                              "max pooling over \(Shape([channels, height, width])) images cannot take \(input)")
        }
        return Shape([channels, outHeight, outWidth])
    }

    /// Output and gradient (capacity × outputs); scratch: the argmax offsets (capacity × outputs).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<T> {
        LayerBuffers(output: Buffer(count: capacity * outputCount), gradient: Buffer(count: capacity * outputCount),
                     scratch: scratchSizes(input: input, capacity: capacity).map { Buffer(count: $0) })
    }

    package func scratchSizes(input: Shape, capacity: Int) -> [Int] { [capacity * outputCount] }

    /// y and, for backward, a.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func forward(_ pass: Pass<T>, at s: Int) {
        let buffers = pass.buffers(s), out = buffers.output!.pointer
        pass.setOutput(s, out)
        pool(pass.input(s), rows: pass.rows, into: out, argmax: buffers.scratch[0].pointer)
    }

    /// ∂x = 0, then ∂x[a[o]] += ∂y[o]; the layer in front finishes it (`finishGradient`).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func backward(_ pass: Pass<T>, at s: Int, frontEpilogue: Epilogue<T>) {
        guard pass.needsInputGradient(s) else { return }
        let dy = pass.gradient(s), dx = pass.gradient(s - 1), argmax = pass.buffers(s).scratch[0].pointer
        let n = inputCount, m = outputCount
        dx.update(repeating: 0, count: pass.rows * n)
        for e in 0..<pass.rows {
            let d = dx + e * n, from = dy + e * m, at = argmax + e * m
            for o in 0..<m { d[Int(at[o])] += from[o] }
        }
    }

    package var appliesFrontEpilogue: Bool { false }
    /// Nothing element-wise of its own.
    package func gradientEpilogue(_ pass: Pass<T>, at s: Int) -> Epilogue<T> { .none }
    package func finishGradient(_ pass: Pass<T>, at s: Int) {}

    /// y only.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func predict(_ pass: Pass<T>, at s: Int) {
        let out = pass.buffers(s).output!.pointer
        pass.setOutput(s, out)
        pool(pass.input(s), rows: pass.rows, into: out, argmax: nil)
    }

    /// Window by window with 4-D indices, allocating.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func reference(_ x: Matrix<T>) -> Matrix<T> {
        var y = Matrix<T>(rows: x.rows, columns: outputCount)
        for r in 0..<x.rows {
            for c in 0..<channels {
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        var best = x[r, (c * height + oy * stride) * width + ox * stride]
                        for i in 0..<window {
                            for j in 0..<window {
                                best = Swift.max(best, x[r, (c * height + oy * stride + i) * width + ox * stride + j])
                            }
                        }
                        y[r, (c * outHeight + oy) * outWidth + ox] = best
                    }
                }
            }
        }
        return y
    }

    /// "maxpool 2×2 stride 2".
    package var summary: String { "maxpool \(window)×\(window) stride \(stride)" }

    package func convertedLayer<U: Scalar>(to: U.Type) -> any Layer<U> {
        MaxPoolLayer<U>(channels: channels, height: height, width: width, window: window, stride: stride)
    }

    package func isEqual(to other: any Layer<T>) -> Bool { (other as? MaxPoolLayer<T>) == self }

    /// A layer of settings checked before.
    private init(channels: Int, height: Int, width: Int, window: Int, stride: Int) {
        self.channels = channels; self.height = height; self.width = width
        self.window = window; self.stride = stride
    }

    /// The forward loop over `rows` examples of x into y, writing each maximum's offset into
    /// `argmax` when given. A strict `>` keeps the first maximum in row-major order.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func pool(_ x: UnsafePointer<T>, rows: Int, into y: UnsafeMutablePointer<T>, argmax: UnsafeMutablePointer<T>?) {
        let n = inputCount, oh = outHeight, ow = outWidth
        var o = 0
        for e in 0..<rows {
            let image = x + e * n
            for c in 0..<channels {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var at = (c * height + oy * stride) * width + ox * stride
                        var best = image[at]
                        for i in 0..<window {
                            let line = (c * height + oy * stride + i) * width + ox * stride
                            for j in 0..<window where image[line + j] > best {
                                best = image[line + j]
                                at = line + j
                            }
                        }
                        y[o] = best
                        argmax?[o] = T(at)
                        o += 1
                    }
                }
            }
        }
    }
}
