#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An optimiser at work: the settings, the step count and the moment buffers, applying one
/// fused update loop per parameter tensor (regularisation, moments and weights in one pass).
///
/// The loops are written in order of increasing complexity, matching `OptimizerKind`'s table.
/// `state` exports the moments as an `OptimizerState` and `init(state:)` reads them back, so a
/// saved state resumes bit for bit.
package final class Optimizer<T: Scalar> {
    /// The trainer sets `settings.learningRate` at the start of every epoch (schedules).
    var settings: OptimizerSettings { didSet { adam = Self.adamConstants(settings, step: step) } }
    private(set) var step: Int { didSet { adam = Self.adamConstants(settings, step: step) } }
    /// `moments[k][tensor]`, as in `OptimizerState`.
    private let moments: [[Buffer<T>]]
    /// Adam's constants for this step and these settings, made when either changes (two `pow`s),
    /// not in every `update` call: a step makes one call per tensor, or per run of rows.
    private var adam: AdamConstants

    init(state: OptimizerState<T>) {
        settings = state.settings
        step = state.step
        moments = state.moments.map { $0.map { Buffer($0) } }
        adam = Self.adamConstants(state.settings, step: state.step)
    }

    var state: OptimizerState<T> {
        OptimizerState(settings: settings, step: step, moments: moments.map { $0.map(\.array) })
    }

    /// Copies every moment and the step count from `other` (same shapes), without allocating
    /// (index loops: unoptimised, `zip` over generic elements allocates).
    func restore(from other: Optimizer<T>) {
        step = other.step
        for k in 0..<moments.count {
            for t in 0..<moments[k].count { moments[k][t].copy(from: other.moments[k][t]) }
        }
    }

    /// Starts a step: call once, then `update` for every tensor. The count stops at `Int.max`
    /// (a loaded file may hold any count up to it); Adam's corrections there are 1 already.
    func beginStep() { if step < Int.max { step += 1 } }

    /// Updates elements `range` of tensor number `tensor` (w, g and the moments all indexed
    /// from the tensor's start) given the data-loss gradient `g`, which it consumes: each
    /// gradient element is set to zero once read (backward passes accumulate into zeros).
    /// `l1`, `l2` are the penalty coefficients for this tensor (zero for biases): the gradient
    /// used is g + l1 · sign(w) + l2 · w.
    ///
    /// Fast path: 8 lanes at a time with the same arithmetic in the same order as
    /// `referenceUpdate`, which handles the last `range.count % 8` elements, so both give
    /// identical bits however a tensor is cut into ranges.
    func update(tensor: Int, weights w: UnsafeMutablePointer<T>, gradient g: UnsafeMutablePointer<T>,
                range: Range<Int>, l1: T, l2: T) {
        let s = settings, c = adam
        let lr = T(s.learningRate)
        let start = range.lowerBound
        let full = start + (range.count - range.count % 8)
        let penalised = l1 != 0 || l2 != 0
        // (Counting loops over lanes: a variant of this function left `stride`'s iterator as an
        // outlined call per vector, 6 % of a profile.)
        switch s.kind {
        case .gd, .sgd:
            for lane in 0 ..< (full - start) / 8 {
                let i = start + 8 * lane
                let wi = w.lanes(at: i)
                var gi = g.lanes(at: i)
                g.store(.zero, at: i)
                if penalised { gi = Self.penalised(gi, weights: wi, l1: l1, l2: l2) }
                w.store(wi - lr * gi, at: i)
            }
        case .momentum, .nesterov:
            let v = moments[0][tensor].pointer, mu = T(s.momentum), nesterov = s.kind == .nesterov
            for lane in 0 ..< (full - start) / 8 {
                let i = start + 8 * lane
                let wi = w.lanes(at: i)
                var gi = g.lanes(at: i)
                g.store(.zero, at: i)
                if penalised { gi = Self.penalised(gi, weights: wi, l1: l1, l2: l2) }
                let vi = mu * v.lanes(at: i) + gi
                v.store(vi, at: i)
                w.store(nesterov ? wi - lr * (gi + mu * vi) : wi - lr * vi, at: i)
            }
        case .adagrad:
            let acc = moments[0][tensor].pointer, eps = T(s.epsilon)
            for lane in 0 ..< (full - start) / 8 {
                let i = start + 8 * lane
                let wi = w.lanes(at: i)
                var gi = g.lanes(at: i)
                g.store(.zero, at: i)
                if penalised { gi = Self.penalised(gi, weights: wi, l1: l1, l2: l2) }
                let si = acc.lanes(at: i) + gi * gi
                acc.store(si, at: i)
                w.store(wi - lr * gi / (squareRoot(si) + eps), at: i)
            }
        case .rmsprop:
            let acc = moments[0][tensor].pointer, eps = T(s.epsilon), rho = T(s.rho), oneMinusRho = T(1 - s.rho)
            for lane in 0 ..< (full - start) / 8 {
                let i = start + 8 * lane
                let wi = w.lanes(at: i)
                var gi = g.lanes(at: i)
                g.store(.zero, at: i)
                if penalised { gi = Self.penalised(gi, weights: wi, l1: l1, l2: l2) }
                let si = rho * acc.lanes(at: i) + oneMinusRho * gi * gi
                acc.store(si, at: i)
                w.store(wi - lr * gi / (squareRoot(si) + eps), at: i)
            }
        case .adam:
            let m = moments[0][tensor].pointer, v = moments[1][tensor].pointer
            for lane in 0 ..< (full - start) / 8 {
                let i = start + 8 * lane
                let wi = w.lanes(at: i)
                var gi = g.lanes(at: i)
                g.store(.zero, at: i)
                if penalised { gi = Self.penalised(gi, weights: wi, l1: l1, l2: l2) }
                let mi = c.b1 * m.lanes(at: i) + c.oneMinusB1 * gi
                let vi = c.b2 * v.lanes(at: i) + c.oneMinusB2 * gi * gi
                m.store(mi, at: i)
                v.store(vi, at: i)
                w.store(wi - c.stepSize * mi / (squareRoot(vi) * c.invSqrtC2 + c.eps), at: i)
            }
        }
        referenceUpdate(tensor: tensor, weights: w, gradient: g, range: full..<range.upperBound, l1: l1, l2: l2)
    }

    /// g + l1 · sign(w) + l2 · w, 8 lanes at a time (in `referenceUpdate`'s order).
    @inline(__always)
    private static func penalised(_ g: Lanes<T>, weights w: Lanes<T>, l1: T, l2: T) -> Lanes<T> {
        if l1 == 0 { return g + l2 * w }
        // sign(w): 1 where w > 0, −1 where −w > 0, else 0 (see `select` for why not `.>`).
        let sign = select(Lanes(repeating: 1), whereIsPositive: w,
                          else: select(Lanes(repeating: -1), whereIsPositive: -w, else: .zero))
        return g + l2 * w + l1 * sign
    }

    /// Adam's per-step constants: w −= (η / c₁) · m / (√v / √c₂ + ε) with c = 1 − βᵗ, the same
    /// as η · m̂ / (√v̂ + ε).
    private typealias AdamConstants = (b1: T, b2: T, oneMinusB1: T, oneMinusB2: T, stepSize: T, invSqrtC2: T, eps: T)

    private static func adamConstants(_ s: OptimizerSettings, step: Int) -> AdamConstants {
        let c1 = 1 - pow(s.beta1, Double(step)), c2 = 1 - pow(s.beta2, Double(step))
        return (T(s.beta1), T(s.beta2), T(1 - s.beta1), T(1 - s.beta2),
                T(s.learningRate / c1), T(1 / c2.squareRoot()), T(s.epsilon))
    }

    /// The same update one element at a time: the simple path the tests compare `update` with.
    func referenceUpdate(tensor: Int, weights w: UnsafeMutablePointer<T>, gradient g: UnsafeMutablePointer<T>,
                         range: Range<Int>, l1: T, l2: T) {
        let s = settings, c = adam
        let lr = T(s.learningRate)
        func grad(_ i: Int) -> T {
            if l1 == 0 && l2 == 0 { return g[i] }
            if l1 == 0 { return g[i] + l2 * w[i] }
            let sign: T = w[i] > 0 ? 1 : w[i] < 0 ? -1 : 0
            return g[i] + l2 * w[i] + l1 * sign
        }
        // The moment buffers, looked up once, not per element.
        let first = moments.count > 0 ? moments[0][tensor].pointer : nil
        let second = moments.count > 1 ? moments[1][tensor].pointer : nil
        for i in range {
            let gi = grad(i)
            g[i] = 0
            switch s.kind {
            case .gd, .sgd:
                w[i] -= lr * gi
            case .momentum, .nesterov:
                let v = first!, mu = T(s.momentum)
                v[i] = mu * v[i] + gi
                w[i] -= s.kind == .momentum ? lr * v[i] : lr * (gi + mu * v[i])
            case .adagrad:
                let acc = first!
                acc[i] += gi * gi
                w[i] -= lr * gi / (acc[i].squareRoot() + T(s.epsilon))
            case .rmsprop:
                let acc = first!
                acc[i] = T(s.rho) * acc[i] + T(1 - s.rho) * gi * gi
                w[i] -= lr * gi / (acc[i].squareRoot() + T(s.epsilon))
            case .adam:
                let m = first!, v = second!
                m[i] = c.b1 * m[i] + c.oneMinusB1 * gi
                v[i] = c.b2 * v[i] + c.oneMinusB2 * gi * gi
                w[i] -= c.stepSize * m[i] / (v[i].squareRoot() * c.invSqrtC2 + c.eps)
            }
        }
    }
}
