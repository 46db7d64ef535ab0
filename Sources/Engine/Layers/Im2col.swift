/// The patches of a 2-D convolution, laid out for a GEMM: the two copies between one image
/// (channels·height·width values, row-major [c, y, x]) and its columns, one column per output
/// position:
///
///     col (K × P), K = channels·k·k, P = outHeight·outWidth
///     col[(c·k + i)·k + j, oy·outWidth + ox] = x[c, oy·stride − padding + i, ox·stride − padding + j]
///                                              (0 outside the image)
///
/// so that W (filters × K) · col is the image's output, [filters, P] (PyTorch's order).
struct Im2col: Equatable, Sendable {
    let channels: Int, height: Int, width: Int
    let kernel: Int, stride: Int, padding: Int

    var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Output positions per example (P).
    var positions: Int { outHeight * outWidth }
    /// Values per patch (K = channels·k·k): the rows of the columns.
    var patch: Int { channels * kernel * kernel }
    /// Values per image (channels·height·width).
    var imageCount: Int { channels * height * width }

    /// The output positions ox whose input x = ox·stride − padding + j lies in the image
    /// (the others read the zero padding).
    @inline(__always)
    func inside(_ j: Int, _ ow: Int) -> Range<Int> {
        // ox·stride ≥ padding − j  and  ox·stride ≤ width − 1 + padding − j
        let low = padding - j > 0 ? (padding - j + stride - 1) / stride : 0
        let high = width - 1 + padding - j >= 0 ? Swift.min(ow, (width - 1 + padding - j) / stride + 1) : 0
        return low < high ? low..<high : 0..<0
    }

    /// One image `x` into its columns `col` (K × P), each run of a row (a few values: 11 for
    /// MNIST's second convolution) copied in 8-lane steps.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func columns<T: Scalar>(of x: UnsafePointer<T>, into col: UnsafeMutablePointer<T>) {
        let p = positions, oh = outHeight, ow = outWidth
        for c in 0..<channels {
            for i in 0..<kernel {
                for j in 0..<kernel {
                    let row = col + ((c * kernel + i) * kernel + j) * p
                    let valid = inside(j, ow)
                    for oy in 0..<oh {
                        let iy = oy * stride - padding + i
                        let out = row + oy * ow
                        guard iy >= 0, iy < height, !valid.isEmpty else {
                            for ox in 0..<ow { out[ox] = 0 }
                            continue
                        }
                        // Output ox reads input column ox·stride + start.
                        let line = x + (c * height + iy) * width, start = j - padding
                        for ox in 0..<valid.lowerBound { out[ox] = 0 }
                        var ox = valid.lowerBound
                        if stride == 1 {
                            let from = line + start
                            while ox + 8 <= valid.upperBound { out.store(from.lanes(at: ox), at: ox); ox += 8 }
                            while ox < valid.upperBound { out[ox] = from[ox]; ox += 1 }
                        } else {
                            while ox < valid.upperBound { out[ox] = line[ox * stride + start]; ox += 1 }
                        }
                        for ox in valid.upperBound..<ow { out[ox] = 0 }
                    }
                }
            }
        }
    }

    /// The reverse: sets the image `dx` to the sum of the entries of its columns `col` (K × P),
    /// each input adding those of the patches it is in, in the order of the rows (c, i, j),
    /// then of the outputs.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func image<T: Scalar>(from col: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>) {
        let p = positions, oh = outHeight, ow = outWidth
        for i in 0..<imageCount { dx[i] = 0 }
        for c in 0..<channels {
            for i in 0..<kernel {
                for j in 0..<kernel {
                    let row = col + ((c * kernel + i) * kernel + j) * p
                    let valid = inside(j, ow)
                    guard !valid.isEmpty else { continue }
                    for oy in 0..<oh {
                        let iy = oy * stride - padding + i
                        guard iy >= 0, iy < height else { continue }
                        let line = dx + (c * height + iy) * width, start = j - padding, from = row + oy * ow
                        var ox = valid.lowerBound
                        if stride == 1 {
                            let to = line + start
                            while ox + 8 <= valid.upperBound { to.store(to.lanes(at: ox) + from.lanes(at: ox), at: ox); ox += 8 }
                            while ox < valid.upperBound { to[ox] += from[ox]; ox += 1 }
                        } else {
                            while ox < valid.upperBound { line[ox * stride + start] += from[ox]; ox += 1 }
                        }
                    }
                }
            }
        }
    }
}
