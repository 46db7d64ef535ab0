/// Winograd's minimal filtering for a 3×3, stride-1 convolution (Lavin & Gray 2015, "Fast
/// Algorithms for Convolutional Neural Networks"): F(m×m, 3×3) makes an m×m tile of outputs
/// from an α×α tile of inputs (α = m + 2) with α² products per channel instead of 9m²:
///
///     per filter f, channel c, tile t:   d = the input tile (α × α, 0 outside the image)
///     input     V[ξν][c][t] = (Bᵀ d B)[ξν]                       (α × α per channel and tile)
///     filter    U[ξν][f][c] = (G g_fc Gᵀ)[ξν]                     (once per step: W changes)
///     products  M[ξν] = U[ξν] · V[ξν]                             α² GEMMs (F × C) · (C × tiles)
///     output    Y[f][t] = Aᵀ M[·][f][t] A                         (m × m, cut at the image's edge)
///
/// and, as Y is linear in U and V, the backward pass is the same steps' adjoints, in reverse:
///
///     ∂M[ξν][f][t] = (A ∂Y Aᵀ)[ξν]      ∂Y the tile of δ = ∂y ⊙ f'(y) (0 past the edge)
///     ∂U[ξν] += ∂M[ξν] · V[ξν]ᵀ          GEMM NT; then ∂W += Gᵀ ∂U G (once per step, `finish`)
///     ∂V[ξν]  = U[ξν]ᵀ · ∂M[ξν]          GEMM TN; then ∂d = B ∂V Bᵀ, added onto ∂x at the tile
///
/// Tile t of an example covers outputs [ty·m, ty·m + m) × [tx·m, tx·m + m) and reads inputs from
/// (ty·m − padding, tx·m − padding); the tiles of the last row and column may reach past the
/// output (those outputs are dropped, their ∂Y is 0). Every transform is out = L · X · Lᵀ with
/// one of six matrices (`WinogradTransform`), run on 8 tiles (or kernels) at once, one per lane.
///
/// Layout: a chunk of `chunk` examples (chunk divides 8, so a pool's parts, cut at multiples of
/// 8 by `WorkerPool.slice`, hold whole chunks) has its tiles side by side, column
/// n = (example − first)·tiles + t of each α² matrix, `columns` apart (a multiple of 8):
/// V (α² × C × columns) is kept from the forward pass for ∂U, chunk after chunk; M, ∂M
/// (α² × F × columns) and ∂V (α² × C × columns) are a part's own, one chunk at a time, small
/// enough to stay in a core's L2 cache. U and ∂U are α² blocks of F·C rounded up to 8
/// (`filterColumns`), so filter transforms load and store whole lanes.
///
/// Compared with im2col + GEMM (`Im2col`), F(4×4, 3×3) does 36/144 = 1/4 of the multiplications
/// per output (plus the tiles' overhang: MNIST's 11×11 outputs take 3×3 tiles of 4×4); float32
/// results differ from the direct sums by up to about 2e-5 of the largest output, 2e-6 for the
/// gradients (the transforms' constants run up to 8 and down to 1/24), float64 by about 1e-14
/// (`WinogradTests`).
struct Winograd: Equatable, Sendable {
    let channels: Int, height: Int, width: Int, padding: Int
    /// The output tile's side m: 2 or 4.
    let m: Int

    init(channels: Int, height: Int, width: Int, padding: Int, m: Int = 4) {
        precondition(m == 2 || m == 4, "Winograd tiles are 2×2 or 4×4")
        self.channels = channels; self.height = height; self.width = width; self.padding = padding
        self.m = m
    }

    /// The input tile's side α = m + 2, and its α² points (one GEMM each).
    var alpha: Int { m + 2 }
    var points: Int { alpha * alpha }
    var outHeight: Int { height + 2 * padding - 2 }
    var outWidth: Int { width + 2 * padding - 2 }
    var tilesAcross: Int { (outWidth + m - 1) / m }
    /// Tiles per example.
    var tiles: Int { (outHeight + m - 1) / m * tilesAcross }
    var imageCount: Int { channels * height * width }

    /// Examples per chunk: the most of 1, 2, 4, 8 whose V, M and ∂V (per filter count `filters`)
    /// take at most 2¹⁸ values (1 MB in float32, a core's L2 on the project's machine). MNIST's
    /// second convolution takes 4 (at 1 thread, 200 batches: 2 examples 3.07–3.38 s, 4
    /// 3.04–3.19 s, 8 3.02–3.12 s of CPU, three runs each on a loaded machine: a tie).
    func chunk(filters: Int) -> Int {
        var e = 8
        while e > 1 && points * (2 * channels + filters) * e * tiles > 1 << 18 { e /= 2 }
        return e
    }

    /// A chunk's tiles rounded up to a multiple of 8: the row stride of V, M, ∂M and ∂V.
    func columns(chunk: Int) -> Int { (chunk * tiles + 7) / 8 * 8 }
    /// F·C rounded up to a multiple of 8: the stride between U's (and ∂U's) α² blocks.
    func filterColumns(filters: Int) -> Int { (filters * channels + 7) / 8 * 8 }

    /// V for `rows` examples: whole chunks of α² × C × columns.
    func transformedCount(rows: Int, filters: Int) -> Int {
        let e = chunk(filters: filters)
        return (rows + e - 1) / e * points * channels * columns(chunk: e)
    }
    /// One part's M (or ∂M) and ∂V for a chunk.
    func workCount(filters: Int) -> Int { points * (filters + channels) * columns(chunk: chunk(filters: filters)) }
    /// U, and one part's ∂U with its ∂b.
    func filterCount(filters: Int) -> Int { points * filterColumns(filters: filters) }
    func partialCount(filters: Int) -> Int { filterCount(filters: filters) + filters }
}

extension Winograd {
    /// U = G g Gᵀ for every filter and channel of `weights` ([filters, channels, 3, 3]),
    /// 8 kernels at a time, into `u` (α² blocks of `filterColumns`).
    func transformFilters<T: Scalar>(_ weights: UnsafePointer<T>, filters: Int, into u: UnsafeMutablePointer<T>) {
        let count = filters * channels, stride = filterColumns(filters: filters)
        withUnsafeTemporaryAllocation(of: T.self, capacity: 9 * 8 + 3 * alpha * 8) { buffer in
            let g = buffer.baseAddress!, work = g + 9 * 8
            for q0 in Swift.stride(from: 0, to: count, by: 8) {
                for l in 0..<8 {
                    let q = q0 + l
                    for k in 0..<9 { g[k * 8 + l] = q < count ? weights[q * 9 + k] : 0 }
                }
                WinogradTransform.filter.apply(m: m, g, 8, work: work, u + q0, stride)
            }
        }
    }

    /// ∂W += Gᵀ ∂U G for every filter and channel, ∂U as U's layout.
    func addFilterGradient<T: Scalar>(_ du: UnsafePointer<T>, filters: Int, into dW: UnsafeMutablePointer<T>) {
        let count = filters * channels, stride = filterColumns(filters: filters)
        withUnsafeTemporaryAllocation(of: T.self, capacity: 9 * 8 + 3 * alpha * 8) { buffer in
            let g = buffer.baseAddress!, work = g + 9 * 8
            for q0 in Swift.stride(from: 0, to: count, by: 8) {
                WinogradTransform.filterGradient.apply(m: m, du + q0, stride, work: work, g, 8)
                for l in 0..<Swift.min(8, count - q0) {
                    for k in 0..<9 { dW[(q0 + l) * 9 + k] += g[k * 8 + l] }
                }
            }
        }
    }

    /// The next tile of a chunk: its column n, example and first output's row and column.
    struct TileCursor {
        var n: Int, example: Int, oy: Int, ox: Int
        init(example: Int) { n = 0; self.example = example; oy = 0; ox = 0 }
    }

    /// The next 8 tiles from `cursor` (`count` tiles in the chunk), advanced past them: per
    /// lane its example (−1 past `count`) and its first output's row and column, at `lanes`
    /// (24 values). Stepping, not dividing: this runs once per 8 tiles per channel or filter.
    @inline(__always)
    func place(_ cursor: inout TileCursor, count: Int, into lanes: UnsafeMutablePointer<Int>) {
        let right = tilesAcross * m, bottom = tiles / tilesAcross * m
        for l in 0..<8 {
            guard cursor.n < count else { lanes[l] = -1; lanes[8 + l] = 0; lanes[16 + l] = 0; continue }
            lanes[l] = cursor.example; lanes[8 + l] = cursor.oy; lanes[16 + l] = cursor.ox
            cursor.n += 1
            cursor.ox += m
            if cursor.ox == right {
                cursor.ox = 0
                cursor.oy += m
                if cursor.oy == bottom { cursor.oy = 0; cursor.example += 1 }
            }
        }
    }

    /// Runs `body` with `scratchCount` values of T and 24 Ints (`place`) of its own.
    @inline(__always)
    func withScratch<T: Scalar>(of: T.Type, _ body: (UnsafeMutablePointer<T>, UnsafeMutablePointer<Int>) -> Void) {
        withUnsafeTemporaryAllocation(of: T.self, capacity: scratchCount) { scratch in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 24) { lanes in
                body(scratch.baseAddress!, lanes.baseAddress!)
            }
        }
    }

    /// V for the chunk's examples `first..<first + examples` of `x` (rows × C·H·W), into `v`
    /// (α² × C × `columns`). Channel c + 1's tiles are gathered (value by value, into lanes)
    /// before channel c's are transformed: loading a vector just written as 8 scalars stalls
    /// (the store buffer cannot forward it), so the loads come a channel's stores later.
    func transformInputs<T: Scalar>(_ x: UnsafePointer<T>, first: Int, examples: Int, into v: UnsafeMutablePointer<T>,
                                    columns ld: Int) {
        let a = alpha, p = points, count = examples * tiles, plane = height * width
        withScratch(of: T.self) { scratch, lanes in
            let work = scratch + 2 * p * 8
            // Outside the image the tiles stay 0 from the group's start: a lane's tiles all have one shape.
            func gather(_ c: Int, into tile: UnsafeMutablePointer<T>) {
                for l in 0..<8 {
                    let e = lanes[l]
                    guard e >= 0 else { continue }
                    let y0 = lanes[8 + l] - padding, x0 = lanes[16 + l] - padding
                    let image = x + e * imageCount + c * plane + y0 * width + x0
                    let cols = Self.inside(x0, a, width)
                    for i in Self.inside(y0, a, height) {
                        let line = image + i * width, row = tile + i * a * 8 + l
                        for j in cols { row[j * 8] = line[j] }
                    }
                }
            }
            var cursor = TileCursor(example: first)
            for n0 in Swift.stride(from: 0, to: count, by: 8) {
                place(&cursor, count: count, into: lanes)
                for k in 0..<2 * p * 8 { scratch[k] = 0 }
                gather(0, into: scratch)
                for c in 0..<channels {
                    let tile = scratch + c % 2 * p * 8
                    if c + 1 < channels { gather(c + 1, into: scratch + (c + 1) % 2 * p * 8) }
                    WinogradTransform.input.apply(m: m, tile, 8, work: work, v + c * ld + n0, channels * ld)
                }
            }
        }
    }

    /// y = Aᵀ M A for the chunk's tiles, the outputs inside the image written to `y`
    /// (rows × F·outHeight·outWidth, PyTorch's order), bias and activation not yet applied.
    /// Filter by filter, so the writes stay in the chunk's few planes of that filter.
    func transformOutputs<T: Scalar>(_ mm: UnsafePointer<T>, filters: Int, first: Int, examples: Int,
                                     into y: UnsafeMutablePointer<T>, columns ld: Int) {
        let (oh, ow) = (outHeight, outWidth), plane = oh * ow, count = examples * tiles
        withScratch(of: T.self) { scratch, lanes in
            let out = scratch, work = scratch + points * 8
            for f in 0..<filters {
                var cursor = TileCursor(example: first)
                for n0 in Swift.stride(from: 0, to: count, by: 8) {
                    place(&cursor, count: count, into: lanes)
                    WinogradTransform.output.apply(m: m, mm + f * ld + n0, filters * ld, work: work, out, 8)
                    for l in 0..<8 {
                        let e = lanes[l], oy = lanes[8 + l], ox = lanes[16 + l]
                        guard e >= 0 else { continue }
                        let target = y + (e * filters + f) * plane + oy * ow + ox, columns = Swift.min(m, ow - ox)
                        for i in 0..<Swift.min(m, oh - oy) {
                            for j in 0..<columns { target[i * ow + j] = out[(i * m + j) * 8 + l] }
                        }
                    }
                }
            }
        }
    }

    /// ∂M = A ∂Y Aᵀ for the chunk's tiles, ∂Y the tiles of `delta` (rows × F·outHeight·outWidth,
    /// 0 past the edge), into `dm` (α² × F × `columns`); filter f + 1's tiles gathered before
    /// filter f's are transformed (as in `transformInputs`).
    func transformOutputGradients<T: Scalar>(_ delta: UnsafePointer<T>, filters: Int, first: Int, examples: Int,
                                             into dm: UnsafeMutablePointer<T>, columns ld: Int) {
        let (oh, ow) = (outHeight, outWidth), plane = oh * ow, count = examples * tiles, size = m * m * 8
        withScratch(of: T.self) { scratch, lanes in
            let work = scratch + 2 * points * 8
            // Past the edge the tiles stay 0 from the group's start: a lane's tiles all have one shape.
            func gather(_ f: Int, into tile: UnsafeMutablePointer<T>) {
                for l in 0..<8 {
                    let e = lanes[l], oy = lanes[8 + l], ox = lanes[16 + l]
                    guard e >= 0 else { continue }
                    let source = delta + (e * filters + f) * plane + oy * ow + ox
                    let rows = Swift.min(m, oh - oy), columns = Swift.min(m, ow - ox)
                    for i in 0..<rows {
                        for j in 0..<columns { tile[(i * m + j) * 8 + l] = source[i * ow + j] }
                    }
                }
            }
            var cursor = TileCursor(example: first)
            for n0 in Swift.stride(from: 0, to: count, by: 8) {
                place(&cursor, count: count, into: lanes)
                for k in 0..<2 * size { scratch[k] = 0 }
                gather(0, into: scratch)
                for f in 0..<filters {
                    let tile = scratch + f % 2 * size
                    if f + 1 < filters { gather(f + 1, into: scratch + (f + 1) % 2 * size) }
                    WinogradTransform.outputGradient.apply(m: m, tile, 8, work: work, dm + f * ld + n0, filters * ld)
                }
            }
        }
    }

    /// ∂d = B ∂V Bᵀ for the chunk's tiles, each added onto ∂x (rows × C·H·W, the chunk's
    /// examples zeroed first) where the tile lies in the image, tile after tile, channel by
    /// channel (so the additions stay in the chunk's few planes of that channel).
    func addInputGradients<T: Scalar>(_ dv: UnsafePointer<T>, first: Int, examples: Int,
                                      into dx: UnsafeMutablePointer<T>, columns ld: Int) {
        let a = alpha, count = examples * tiles, plane = height * width
        (dx + first * imageCount).update(repeating: 0, count: examples * imageCount)
        withScratch(of: T.self) { scratch, lanes in
            let out = scratch, work = scratch + points * 8
            for c in 0..<channels {
                var cursor = TileCursor(example: first)
                for n0 in Swift.stride(from: 0, to: count, by: 8) {
                    place(&cursor, count: count, into: lanes)
                    WinogradTransform.inputGradient.apply(m: m, dv + c * ld + n0, channels * ld, work: work, out, 8)
                    for l in 0..<8 {
                        let e = lanes[l]
                        guard e >= 0 else { continue }
                        let image = dx + e * imageCount + c * plane
                        let y0 = lanes[8 + l] - padding, x0 = lanes[16 + l] - padding
                        let columns = Self.inside(x0, a, width)
                        for i in Self.inside(y0, a, height) {
                            let line = image + (y0 + i) * width + x0
                            for j in columns { line[j] += out[(i * a + j) * 8 + l] }
                        }
                    }
                }
            }
        }
    }

    /// The i in 0..<a with 0 ≤ start + i < size.
    @inline(__always)
    static func inside(_ start: Int, _ a: Int, _ size: Int) -> Range<Int> {
        let low = Swift.max(0, -start)
        return low..<Swift.max(low, Swift.min(a, size - start))
    }

    /// Values of scratch the transforms above need (two α² tiles of 8 lanes and the work of one).
    var scratchCount: Int { 3 * points * 8 }
}
