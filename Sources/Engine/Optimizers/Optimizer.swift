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
final class Optimizer<T: Scalar> {
    let settings: OptimizerSettings
    private(set) var step: Int
    /// `moments[k][tensor]`, as in `OptimizerState`.
    private let moments: [[Buffer<T>]]

    init(state: OptimizerState<T>) {
        settings = state.settings
        step = state.step
        moments = state.moments.map { $0.map { Buffer($0) } }
    }

    var state: OptimizerState<T> {
        OptimizerState(settings: settings, step: step, moments: moments.map { $0.map(\.array) })
    }

    /// Copies every moment and the step count from `other` (same shapes), without allocating.
    func restore(from other: Optimizer<T>) {
        step = other.step
        for (mine, theirs) in zip(moments, other.moments) {
            for (a, b) in zip(mine, theirs) { a.copy(from: b) }
        }
    }

    /// Starts a step: call once, then `update` for every tensor.
    func beginStep() { step += 1 }

    /// Updates tensor number `tensor` (w, `count` values) given the data-loss gradient `g`.
    /// `l1`, `l2` are the penalty coefficients for this tensor (zero for biases):
    /// the gradient used is g + l1 · sign(w) + l2 · w.
    func update(tensor: Int, weights w: UnsafeMutablePointer<T>, gradient g: UnsafePointer<T>,
                count n: Int, l1: T, l2: T) {
        let s = settings
        let lr = T(s.learningRate)
        @inline(__always) func grad(_ i: Int) -> T {
            let wi = w[i]
            let sign: T = (wi > 0 ? 1 : 0) - (wi < 0 ? 1 : 0)
            return g[i] + l2 * wi + l1 * sign
        }
        switch s.kind {
        case .gd, .sgd:
            for i in 0..<n { w[i] -= lr * grad(i) }
        case .momentum:
            let v = moments[0][tensor].pointer, mu = T(s.momentum)
            for i in 0..<n {
                let vi = mu * v[i] + grad(i)
                v[i] = vi
                w[i] -= lr * vi
            }
        case .nesterov:
            let v = moments[0][tensor].pointer, mu = T(s.momentum)
            for i in 0..<n {
                let gi = grad(i)
                let vi = mu * v[i] + gi
                v[i] = vi
                w[i] -= lr * (gi + mu * vi)
            }
        case .adagrad:
            let acc = moments[0][tensor].pointer, eps = T(s.epsilon)
            for i in 0..<n {
                let gi = grad(i)
                let si = acc[i] + gi * gi
                acc[i] = si
                w[i] -= lr * gi / (si.squareRoot() + eps)
            }
        case .rmsprop:
            let acc = moments[0][tensor].pointer, eps = T(s.epsilon)
            let rho = T(s.rho), oneMinusRho = T(1 - s.rho)
            for i in 0..<n {
                let gi = grad(i)
                let si = rho * acc[i] + oneMinusRho * gi * gi
                acc[i] = si
                w[i] -= lr * gi / (si.squareRoot() + eps)
            }
        case .adam:
            // w −= (η / c₁) · m / (√v / √c₂ + ε), c = 1 − βᵗ: the same as m̂ / (√v̂ + ε).
            let m = moments[0][tensor].pointer, v = moments[1][tensor].pointer
            let b1 = T(s.beta1), b2 = T(s.beta2), oneMinusB1 = T(1 - s.beta1), oneMinusB2 = T(1 - s.beta2)
            let c1 = 1 - pow(s.beta1, Double(step)), c2 = 1 - pow(s.beta2, Double(step))
            let stepSize = T(s.learningRate / c1), invSqrtC2 = T(1 / c2.squareRoot()), eps = T(s.epsilon)
            for i in 0..<n {
                let gi = grad(i)
                let mi = b1 * m[i] + oneMinusB1 * gi
                let vi = b2 * v[i] + oneMinusB2 * gi * gi
                m[i] = mi
                v[i] = vi
                w[i] -= stepSize * mi / (vi.squareRoot() * invSqrtC2 + eps)
            }
        }
    }
}
