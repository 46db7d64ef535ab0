/// Max pooling: each channel of an image [channels, height, width] (row-major per example, see
/// `Shape`) cut into window×window patches every `stride` pixels, each patch giving its largest
/// value. Its output is [channels, outHeight, outWidth] with outHeight = (height − window) /
/// stride + 1, rounded down (PyTorch's nn.MaxPool2d without padding or ceil_mode); no parameters.
///
/// Per example, with o = (c, oy, ox) an output position and its window's pixels taken in
/// row-major order:
///
///     forward   y[o] = max over i, j < window of x[c, oy·stride + i, ox·stride + j]
///     backward  ∂x[a(o)] += ∂y[o] for every o, a(o) the window's first pixel equal to y[o]
///               (its first if y[o] is NaN); every other input gets 0 (overlapping windows,
///               stride < window, may send several outputs' gradients to one input)
///
/// a(o) is the pixel the forward pass kept: it keeps a pixel only when strictly greater than
/// all before it, so every earlier pixel is smaller than y[o] (or y[o] is the first, NaN). So
/// nothing is stored between the passes: backward finds the winners again from x and y, which
/// the network keeps until then (the layer behind reads y, the convolution in front its own y).
///
/// The common 2×2 windows of stride 2 (`tiles`) tile the image: each input pixel is in one
/// window at most, so backward writes ∂x in one pass (its window's gradient or 0, and 0 in the
/// last row and column an odd height or width leaves out), 8 windows at a time; other windows
/// and strides take the general loops (`poolWindows`, `unpoolWindows`).
package struct MaxPoolLayer<T: Scalar>: ParameterFreeLayer, Equatable {
    package typealias Element = T

    package let channels: Int, height: Int, width: Int
    package let window: Int, stride: Int

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
    /// 2×2 windows of stride 2: the fast loops.
    var tiles: Bool { window == 2 && stride == 2 }

    package static var kind: String { "maxpool" }

    /// Its image shape, or a flat vector of as many values (the same values, row-major).
    package func outputShape(for input: Shape) throws(EngineError) -> Shape {
        guard input.reads(as: Shape([channels, height, width])) else {
            throw EngineError(.shapeMismatch,
                              "max pooling over \(Shape([channels, height, width])) images cannot take \(input)")
        }
        return Shape([channels, outHeight, outWidth])
    }

    /// Output and gradient (capacity × outputs); no scratch (see the type's comment).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<T> {
        LayerBuffers(output: Buffer(count: capacity * outputCount), gradient: Buffer(count: capacity * outputCount))
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func forward(_ pass: Pass<T>, at s: Int) {
        let out = pass.buffers(s).output!.pointer
        pass.setOutput(s, out)
        run(Batch(layer: self, rows: pass.rows, x: pass.input(s), y: out), pass)
    }

    /// ∂x from ∂y, x and y, finished with the front layer's element-wise pass (`frontEpilogue`,
    /// its f'). Where windows do not overlap, each input's gradient is one output's or 0 and a
    /// winner x equals its window's y, so f' is applied to ∂y on the pooled values (a quarter of
    /// them for 2×2 windows) before unpooling: the same products as f' over ∂x afterwards, the
    /// same values (but that the zeros it writes are +0 where 0 · f' would give −0 or, for
    /// outputs that are NaN or ∞, NaN). Otherwise (and
    /// for softmax, which needs whole rows of the layer in front) after unpooling, over ∂x.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func backward(_ pass: Pass<T>, at s: Int, frontEpilogue: Epilogue<T>) {
        guard pass.needsInputGradient(s) else { return }
        var batch = Batch(layer: self, rows: pass.rows, x: pass.input(s), y: pass.output(s),
                          dy: pass.gradient(s), dx: pass.gradient(s - 1))
        if case .derivative(let f, _) = frontEpilogue, f != .softmax, stride >= window {
            batch.finish = .onPooled(f)
        } else {
            batch.finish = .afterwards(frontEpilogue)
        }
        run(batch, pass)
    }

    /// One pass of the layer over a batch, cut by examples (`WorkerPool.slice`) for a worker
    /// pool's threads (`ParallelJobs.run(_:)`): each part reads and writes its own examples'
    /// rows only, so the bits depend neither on the cut nor on which thread runs a part.
    struct Batch {
        let layer: MaxPoolLayer<T>
        let rows: Int
        let x: UnsafePointer<T>, y: UnsafeMutablePointer<T>
        /// Backward: ∂y, and ∂x to write (both nil: forward, y to write).
        var dy: UnsafeMutablePointer<T>? = nil, dx: UnsafeMutablePointer<T>? = nil
        /// Backward: how the front layer's element-wise pass is applied.
        var finish: Finish = .afterwards(.none)

        enum Finish {
            /// Its f' on ∂y in place (with y), before unpooling.
            case onPooled(Activation)
            /// Its epilogue on ∂x, after unpooling.
            case afterwards(Epilogue<T>)
        }

        @_specialize(where T == Float)
        @_specialize(where T == Double)
        func run(part: Int, of parts: Int) {
            let examples = WorkerPool.slice(rows, part: part, of: parts)
            guard !examples.isEmpty else { return }
            if let dy, let dx {
                let m = layer.outputCount, n = layer.inputCount
                if case .onPooled(let f) = finish {
                    f.backpropagate(dy + examples.lowerBound * m, output: y + examples.lowerBound * m,
                                    rows: examples.count, columns: m)
                }
                layer.unpool(dy, x: x, y: y, examples: examples, into: dx)
                if case .afterwards(let epilogue) = finish {
                    epilogue.apply(to: dx, rows: examples, columns: 0..<n, stride: n)
                }
            } else {
                layer.pool(x, examples: examples, into: y)
            }
        }
    }

    /// Runs `batch` over the pass's pool when there is one and the batch is large enough to pay
    /// for the hand-over (a few microseconds), else here in one part.
    func run(_ batch: Batch, _ pass: Pass<T>) {
        if let parallel = pass.parallel, parallel.width > 1, pass.rows * inputCount >= 1 << 16 {
            parallel.run(batch)
        } else {
            batch.run(part: 0, of: 1)
        }
    }

    package var appliesFrontEpilogue: Bool { true }
    /// Nothing element-wise of its own.
    package func gradientEpilogue(_ pass: Pass<T>, at s: Int) -> Epilogue<T> { .none }
    package func finishGradient(_ pass: Pass<T>, at s: Int) {}

    /// The same pass as `forward`.
    package func predict(_ pass: Pass<T>, at s: Int) { forward(pass, at: s) }

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

    // MARK: - The loops

    /// y for examples `examples` of x (rows of `inputCount` values) into y (rows of `outputCount`).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func pool(_ x: UnsafePointer<T>, examples: Range<Int>, into y: UnsafeMutablePointer<T>) {
        tiles ? poolTiles(x, examples: examples, into: y) : poolWindows(x, examples: examples, into: y)
    }

    /// ∂x for examples `examples` from ∂y, x and y (rows as in `pool`): every value of their
    /// rows of ∂x is written.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func unpool(_ dy: UnsafePointer<T>, x: UnsafePointer<T>, y: UnsafePointer<T>, examples: Range<Int>,
                into dx: UnsafeMutablePointer<T>) {
        if tiles {
            unpoolTiles(dy, x: x, y: y, examples: examples, into: dx)
        } else {
            unpoolWindows(dy, x: x, y: y, examples: examples, into: dx)
        }
    }

    /// Any window and stride, window by window. A strict `>` keeps the first maximum in
    /// row-major order.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func poolWindows(_ x: UnsafePointer<T>, examples: Range<Int>, into y: UnsafeMutablePointer<T>) {
        let n = inputCount, oh = outHeight, ow = outWidth
        var o = examples.lowerBound * outputCount
        for e in examples {
            let image = x + e * n
            for c in 0..<channels {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var best = image[(c * height + oy * stride) * width + ox * stride]
                        for i in 0..<window {
                            let line = image + (c * height + oy * stride + i) * width + ox * stride
                            for j in 0..<window where line[j] > best { best = line[j] }
                        }
                        y[o] = best
                        o += 1
                    }
                }
            }
        }
    }

    /// Any window and stride: ∂x = 0, then ∂x[a(o)] += ∂y[o] window by window.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func unpoolWindows(_ dy: UnsafePointer<T>, x: UnsafePointer<T>, y: UnsafePointer<T>, examples: Range<Int>,
                       into dx: UnsafeMutablePointer<T>) {
        let n = inputCount, oh = outHeight, ow = outWidth
        (dx + examples.lowerBound * n).update(repeating: 0, count: examples.count * n)
        var o = examples.lowerBound * outputCount
        for e in examples {
            let image = x + e * n, d = dx + e * n
            for c in 0..<channels {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let best = y[o], first = (c * height + oy * stride) * width + ox * stride
                        var at = first
                        search: for i in 0..<window {
                            let line = first + i * width
                            for j in 0..<window where image[line + j] == best {
                                at = line + j
                                break search
                            }
                        }
                        d[at] += dy[o]
                        o += 1
                    }
                }
            }
        }
    }

    /// 2×2 windows of stride 2, output row by output row: 8 windows at a time from 16 values of
    /// each input row, split into even and odd columns (the last 8 of a row overlapping the 8
    /// before when the row is not a multiple of 8: written again, with the same values); rows
    /// of fewer than 8 windows one window at a time.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func poolTiles(_ x: UnsafePointer<T>, examples: Range<Int>, into y: UnsafeMutablePointer<T>) {
        let oh = outHeight, ow = outWidth
        for e in examples {
            for c in 0..<channels {
                for oy in 0..<oh {
                    let top = x + e * inputCount + (c * height + 2 * oy) * width, bottom = top + width
                    let out = y + ((e * channels + c) * oh + oy) * ow
                    guard ow >= 8 else {
                        for ox in 0..<ow { out[ox] = Self.tileMaximum(top + 2 * ox, bottom + 2 * ox) }
                        continue
                    }
                    for start in Swift.stride(from: 0, to: ow, by: 8) {
                        let ox = Swift.min(start, ow - 8)
                        let t = top.pairs(at: 2 * ox), b = bottom.pairs(at: 2 * ox)
                        var best = t.even
                        best = select(t.odd, where: best, isBelow: t.odd, else: best)
                        best = select(b.even, where: best, isBelow: b.even, else: best)
                        best = select(b.odd, where: best, isBelow: b.odd, else: best)
                        out.store(best, at: ox)
                    }
                }
            }
        }
    }

    /// The largest of the 2×2 window at `top` (and `bottom`, the row below), the first on ties.
    @inline(__always)
    static func tileMaximum(_ top: UnsafePointer<T>, _ bottom: UnsafePointer<T>) -> T {
        var best = top[0]
        best = top[1] > best ? top[1] : best
        best = bottom[0] > best ? bottom[0] : best
        return bottom[1] > best ? bottom[1] : best
    }

    /// 2×2 windows of stride 2: each input pixel gets its window's ∂y if it is the window's
    /// a(o), else 0, written row pair by row pair (8 windows at a time as in `poolTiles`), then
    /// 0 in the column and row an odd width or height leaves out.
    ///
    /// Each pixel of a window in turn takes what is left of ∂y if it equals the maximum. The
    /// first pixel is never above it, so `<` tells it apart, NaN included (a NaN maximum is the
    /// first pixel, see the type's comment); the last takes what is left.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func unpoolTiles(_ dy: UnsafePointer<T>, x: UnsafePointer<T>, y: UnsafePointer<T>, examples: Range<Int>,
                     into dx: UnsafeMutablePointer<T>) {
        let oh = outHeight, ow = outWidth, zero = Lanes<T>.zero
        for e in examples {
            for c in 0..<channels {
                let plane = (e * channels + c) * height * width
                for oy in 0..<oh {
                    let top = x + plane + 2 * oy * width, bottom = top + width
                    let dTop = dx + plane + 2 * oy * width, dBottom = dTop + width
                    let o = ((e * channels + c) * oh + oy) * ow, best = y + o, g = dy + o
                    if ow >= 8 {
                        for start in Swift.stride(from: 0, to: ow, by: 8) {
                            let ox = Swift.min(start, ow - 8)
                            let t = top.pairs(at: 2 * ox), b = bottom.pairs(at: 2 * ox)
                            let m = best.lanes(at: ox)
                            var rest = g.lanes(at: ox)
                            let upperLeft = select(zero, where: t.even, isBelow: m, else: rest)
                            rest = select(rest, where: t.even, isBelow: m, else: zero)
                            let upperRight = select(rest, where: t.odd, equals: m, else: zero)
                            rest = select(zero, where: t.odd, equals: m, else: rest)
                            dTop.storePairs(even: upperLeft, odd: upperRight, at: 2 * ox)
                            dBottom.storePairs(even: select(rest, where: b.even, equals: m, else: zero),
                                               odd: select(zero, where: b.even, equals: m, else: rest), at: 2 * ox)
                        }
                    } else {
                        for ox in 0..<ow {
                            let m = best[ox], a = 2 * ox
                            var rest = g[ox]
                            dTop[a] = top[a] < m ? 0 : rest
                            rest = top[a] < m ? rest : 0
                            dTop[a + 1] = top[a + 1] == m ? rest : 0
                            rest = top[a + 1] == m ? 0 : rest
                            dBottom[a] = bottom[a] == m ? rest : 0
                            dBottom[a + 1] = bottom[a] == m ? 0 : rest
                        }
                    }
                    if width % 2 == 1 {
                        dTop[width - 1] = 0
                        dBottom[width - 1] = 0
                    }
                }
                if height % 2 == 1 {
                    (dx + plane + (height - 1) * width).update(repeating: 0, count: width)
                }
            }
        }
    }
}

extension UnsafePointer where Pointee: Scalar {
    /// The 16 values from `i` split into their even and odd lanes: 8 windows' left and right
    /// pixels.
    @inline(__always)
    fileprivate func pairs(at i: Int) -> (even: Lanes<Pointee>, odd: Lanes<Pointee>) {
        let v = UnsafeRawPointer(self + i).loadUnaligned(as: SIMD16<Pointee>.self)
        return (v.evenHalf, v.oddHalf)
    }
}

extension UnsafeMutablePointer where Pointee: Scalar {
    /// Writes `even` and `odd` interleaved into the 16 values from `i`.
    @inline(__always)
    fileprivate func storePairs(even: Lanes<Pointee>, odd: Lanes<Pointee>, at i: Int) {
        var v = SIMD16<Pointee>()
        v.evenHalf = even
        v.oddHalf = odd
        UnsafeMutableRawPointer(self + i).storeBytes(of: v, as: SIMD16<Pointee>.self)
    }
}
