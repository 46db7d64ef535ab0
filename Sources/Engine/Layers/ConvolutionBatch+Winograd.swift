/// A convolution batch's steps by Winograd's minimal filtering (the maths and layouts:
/// `Winograd`), chunk by chunk of a part's examples, each chunk's transforms right before and
/// after its α² products, while they are in cache:
///
///     forward    for each chunk:  V = input transforms          (kept in `columns` for ∂U)
///                                 M[ξν] = U[ξν] · V[ξν]          α² GEMMs NN
///                                 y = f(output transforms + b)
///     backward   for each chunk:  δ = ∂y ⊙ f'(y), ∂b_part += row sums of δ
///                                 ∂M = output-gradient transforms
///                                 ∂U_part[ξν] += ∂M[ξν] · V[ξν]ᵀ    α² GEMMs NT
///                                 ∂V[ξν] = U[ξν]ᵀ · ∂M[ξν]          α² GEMMs TN
///                                 ∂x = input-gradient transforms (added tile after tile)
///                then (`winogradFinish`) ∂U = ∂U_0 + ∂U_1 + …, ∂b likewise, in part order;
///                ∂W += Gᵀ ∂U G, ∂b += the sum
///
/// Every part keeps its partial sums apart (`partials`), so the same thread count gives the
/// same bits whichever thread runs a part, as for the im2col path.
extension ConvolutionBatch {
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func winogradForward(_ w: Winograd, examples: Range<Int>, part: Int) {
        guard let u = transformedFilters else { return }
        let chunk = w.chunk(filters: filters), ld = w.columns(chunk: chunk), c = w.channels, points = w.points
        let us = w.filterColumns(filters: filters), outputs = filters * geometry.positions
        let mm = partColumns + part * w.workCount(filters: filters)
        for start in Swift.stride(from: examples.lowerBound, to: examples.upperBound, by: chunk) {
            let count = Swift.min(chunk, examples.upperBound - start), n = count * w.tiles
            let v = columns + start / chunk * points * c * ld
            w.transformInputs(x, first: start, examples: count, into: v, columns: ld)
            for p in 0..<points {
                // M[ξν] = U[ξν] · V[ξν]   (F × n) = (F × C) · (C × n)
                T.gemm(transposeA: false, transposeB: false, m: filters, n: n, k: c,
                       alpha: 1, a: u + p * us, lda: c, b: v + p * c * ld, ldb: ld,
                       beta: 0, c: mm + p * filters * ld, ldc: ld)
            }
            w.transformOutputs(mm, filters: filters, first: start, examples: count, into: y, columns: ld)
            for e in start..<start + count {
                activation.addBiasAndApply(y + e * outputs, rows: 1, columns: outputs, bias: biasPlane)
            }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func winogradBackward(_ w: Winograd, examples: Range<Int>, part: Int) {
        guard let u = transformedFilters, let delta else { return }
        let chunk = w.chunk(filters: filters), ld = w.columns(chunk: chunk), c = w.channels, points = w.points
        let us = w.filterColumns(filters: filters), outputs = filters * geometry.positions
        let dm = partColumns + part * w.workCount(filters: filters), dv = dm + points * filters * ld
        let du = partials + part * w.partialCount(filters: filters), db = du + w.filterCount(filters: filters)
        du.update(repeating: 0, count: w.partialCount(filters: filters))
        for start in Swift.stride(from: examples.lowerBound, to: examples.upperBound, by: chunk) {
            let count = Swift.min(chunk, examples.upperBound - start), n = count * w.tiles
            let v = columns + start / chunk * points * c * ld
            for e in start..<start + count {
                if !deltaFinished { activation.backpropagate(delta + e * outputs, output: y + e * outputs, rows: 1, columns: outputs) }
                addBiasGradient(delta + e * outputs, into: db)
            }
            w.transformOutputGradients(delta, filters: filters, first: start, examples: count, into: dm, columns: ld)
            for p in 0..<points {
                // ∂U[ξν] += ∂M[ξν] · V[ξν]ᵀ   (F × C) = (F × n) · (C × n)ᵀ
                T.gemm(transposeA: false, transposeB: true, m: filters, n: c, k: n,
                       alpha: 1, a: dm + p * filters * ld, lda: ld, b: v + p * c * ld, ldb: ld,
                       beta: 1, c: du + p * us, ldc: c)
            }
            guard let inputGradient else { continue }
            for p in 0..<points {
                // ∂V[ξν] = U[ξν]ᵀ · ∂M[ξν]   (C × n) = (F × C)ᵀ · (F × n)
                T.gemm(transposeA: true, transposeB: false, m: c, n: n, k: filters,
                       alpha: 1, a: u + p * us, lda: c, b: dm + p * filters * ld, ldb: ld,
                       beta: 0, c: dv + p * c * ld, ldc: ld)
            }
            w.addInputGradients(dv, first: start, examples: count, into: inputGradient, columns: ld)
        }
    }

    /// The parts' ∂U and ∂b added in part order into the first part's, then ∂W += Gᵀ ∂U G
    /// and ∂b += the sum.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func winogradFinish(_ w: Winograd, parts: Int) {
        guard step == .backward, let weightGradient, let biasGradient else { return }
        let count = w.partialCount(filters: filters), filterCount = w.filterCount(filters: filters)
        for part in 1..<Swift.max(1, parts) {
            let partial = partials + part * count
            for i in 0..<count { partials[i] += partial[i] }
        }
        w.addFilterGradient(partials, filters: filters, into: weightGradient)
        for f in 0..<filters { biasGradient[f] += partials[filterCount + f] }
    }
}
