/// The function a dense layer applies to `z = x·W + b`, element by element (softmax: row by
/// row). Each function's derivative sits right beside it and is written in terms of the
/// layer's *output* `y = f(z)`, which is all the backward pass keeps:
///
/// | name         | f(z)                              | f'(z) as a function of y              |
/// |--------------|-----------------------------------|---------------------------------------|
/// | `sigmoid`    | 1 / (1 + e^(−z))                  | y (1 − y)                             |
/// | `relu`       | max(0, z)                         | 1 if y > 0, else 0                    |
/// | `leaky_relu` | z if z > 0, else α z  (α ≥ 0)     | 1 if y > 0, else α                    |
/// | `tanh`       | tanh z                            | 1 − y²                                |
/// | `linear`     | z                                 | 1                                     |
/// | `softmax`    | e^(z_j) / Σ_k e^(z_k)  (per row)  | Jacobian ∂y_j/∂z_i = y_j (δ_ij − y_i) |
///
/// At the kink z = 0 the ReLU family uses the left derivative (0, respectively α).
///
///     let a = try Activation(parsing: "leaky_relu")   // .leakyReLU(alpha: 0.01)
///     a.value(-2.0)                                   // -0.02
public enum Activation: Hashable, Sendable {
    case sigmoid
    case relu
    /// `alpha` is the slope for z < 0; it must be ≥ 0 so the output's sign gives z's sign.
    case leakyReLU(alpha: Double = 0.01)
    case tanh
    case linear
    case softmax

    /// The default slope of leaky ReLU for negative inputs.
    public static let defaultLeakyAlpha = 0.01

    /// Every name `init(parsing:)` accepts, in the order help texts list them.
    public static let names = ["sigmoid", "relu", "leaky_relu", "tanh", "linear", "softmax"]

    /// Parses a name from `names` (also accepting "leakyrelu", "leaky-relu", "identity");
    /// `alpha` is used for leaky ReLU only.
    public init(parsing name: String, alpha: Double = Activation.defaultLeakyAlpha) throws(EngineError) {
        switch name.lowercased() {
        case "sigmoid", "logistic": self = .sigmoid
        case "relu": self = .relu
        case "leaky_relu", "leakyrelu", "leaky-relu", "lrelu":
            guard alpha >= 0, alpha.isFinite else {
                throw EngineError(.invalidArgument, "leaky_relu alpha must be a finite number ≥ 0, got \(alpha)")
            }
            self = .leakyReLU(alpha: alpha)
        case "tanh": self = .tanh
        case "linear", "identity", "none": self = .linear
        case "softmax": self = .softmax
        default:
            throw EngineError(.invalidArgument,
                              "unknown activation '\(name)' (expected one of: \(Self.names.joined(separator: ", ")))")
        }
    }

    /// The canonical name ("leaky_relu", not its alpha).
    public var name: String {
        switch self {
        case .sigmoid: "sigmoid"
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .tanh: "tanh"
        case .linear: "linear"
        case .softmax: "softmax"
        }
    }

    /// True for ReLU and leaky ReLU: these get He initialisation by default.
    public var isReLUFamily: Bool {
        switch self {
        case .relu, .leakyReLU: true
        default: false
        }
    }

    // MARK: - Element-wise functions and their derivatives (reference path)

    /// f(z) for the element-wise activations. Softmax is not element-wise: use `softmax(_:)`.
    @inlinable
    public func value<T: Scalar>(_ z: T) -> T {
        switch self {
        case .sigmoid: return Activation.sigmoid(z)
        case .relu: return z > 0 ? z : 0
        case .leakyReLU(let alpha): return z > 0 ? z : T(alpha) * z
        case .tanh: return T.tanh(z)
        case .linear, .softmax: return z
        }
    }

    /// f'(z) written in terms of y = f(z), for the element-wise activations.
    @inlinable
    public func derivative<T: Scalar>(output y: T) -> T {
        switch self {
        case .sigmoid: return y * (1 - y)
        case .relu: return y > 0 ? 1 : 0
        case .leakyReLU(let alpha): return y > 0 ? 1 : T(alpha)
        case .tanh: return 1 - y * y
        case .linear, .softmax: return 1
        }
    }

    /// The logistic function, computed without overflow for large |z|.
    @inlinable
    public static func sigmoid<T: Scalar>(_ z: T) -> T {
        if z >= 0 { return 1 / (1 + T.exp(-z)) }
        let e = T.exp(z)
        return e / (1 + e)
    }

    /// Softmax of one row, shifted by its maximum so that no exponential overflows.
    public static func softmax<T: Scalar>(_ z: [T]) -> [T] {
        guard let m = z.max() else { return [] }
        let e = z.map { T.exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Softmax's backward step for one row: given y = softmax(z) and g = ∂L/∂y,
    /// returns ∂L/∂z_i = y_i (g_i − Σ_j g_j y_j).
    public static func softmaxBackward<T: Scalar>(output y: [T], gradient g: [T]) -> [T] {
        var dot: T = 0
        for j in y.indices { dot += g[j] * y[j] }
        return y.indices.map { y[$0] * (g[$0] - dot) }
    }
}

extension Activation: CustomStringConvertible {
    /// The name, with alpha when it is not the default: "leaky_relu(alpha=0.2)".
    public var description: String {
        if case .leakyReLU(let alpha) = self, alpha != Self.defaultLeakyAlpha {
            return "leaky_relu(alpha=\(alpha))"
        }
        return name
    }
}

// MARK: - Batch kernels (fast path)

extension Activation {
    /// In place on a `rows × columns` block `out` holding x·W: `out[r, c] = f(out[r, c] + bias[c])`.
    /// Bias and activation are fused into one pass over the GEMM result. Row r starts at
    /// `out + r · stride` (default `columns`), so a column slice of a wider matrix works too
    /// (the element-wise functions only: softmax needs whole rows).
    @usableFromInline
    func addBiasAndApply<T: Scalar>(
        _ out: UnsafeMutablePointer<T>, rows: Int, columns: Int, stride: Int? = nil, bias: UnsafePointer<T>
    ) {
        let stride = stride ?? columns
        switch self {
        case .linear:
            for r in 0..<rows {
                let row = out + r * stride
                var c = 0
                while c + 8 <= columns { row.store(row.lanes(at: c) + bias.lanes(at: c), at: c); c += 8 }
                while c < columns { row[c] += bias[c]; c += 1 }
            }
        case .relu:
            // 8 lanes and a select, no branch: signs are random, so a branch mispredicts half the
            // time, and the compiler had left the plain loop scalar, with a branch (docs/PERFORMANCE.md).
            for r in 0..<rows {
                let row = out + r * stride
                var c = 0
                while c + 8 <= columns {
                    let z = row.lanes(at: c) + bias.lanes(at: c)
                    row.store(select(z, whereIsPositive: z, else: .zero), at: c)
                    c += 8
                }
                while c < columns { let z = row[c] + bias[c]; row[c] = z > 0 ? z : 0; c += 1 }
            }
        case .leakyReLU(let a):
            let alpha = T(a)
            for r in 0..<rows {
                let row = out + r * stride
                var c = 0
                while c + 8 <= columns {
                    let z = row.lanes(at: c) + bias.lanes(at: c)
                    row.store(select(z, whereIsPositive: z, else: alpha * z), at: c)
                    c += 8
                }
                while c < columns { let z = row[c] + bias[c]; row[c] = z > 0 ? z : alpha * z; c += 1 }
            }
        case .sigmoid, .tanh:
            // 8 at a time through `Scalar.sigmoid(lanes:)` / `tanh(lanes:)` (float32: our own
            // exponential, `exp8`; float64 keeps the C library's accuracy for gradient
            // checks), the rest one at a time.
            let isSigmoid = self == .sigmoid
            for r in 0..<rows {
                let row = out + r * stride
                var c = 0
                while c + 8 <= columns {
                    let z = row.lanes(at: c) + bias.lanes(at: c)
                    row.store(isSigmoid ? T.sigmoid(lanes: z) : T.tanh(lanes: z), at: c)
                    c += 8
                }
                while c < columns {
                    row[c] = isSigmoid ? Activation.sigmoid(row[c] + bias[c]) : T.tanh(row[c] + bias[c])
                    c += 1
                }
            }
        case .softmax:
            for r in 0..<rows {
                let row = out + r * stride
                var m = -T.infinity
                for c in 0..<columns { row[c] += bias[c]; m = Swift.max(m, row[c]) }
                var s: T = 0
                for c in 0..<columns { let e = T.exp(row[c] - m); row[c] = e; s += e }
                let inv = 1 / s
                for c in 0..<columns { row[c] *= inv }
            }
        }
    }

    /// In place on a `rows × columns` block `delta` holding ∂L/∂y: turns it into ∂L/∂z using the
    /// layer's outputs `y` (same shape and row stride, default `columns`). Element-wise:
    /// δ ⊙= f'(y); softmax: per row, δ_i ← y_i (δ_i − Σ_j δ_j y_j).
    @usableFromInline
    func backpropagate<T: Scalar>(
        _ delta: UnsafeMutablePointer<T>, output y: UnsafePointer<T>, rows: Int, columns: Int, stride: Int? = nil
    ) {
        let stride = stride ?? columns
        if stride != columns, self != .softmax, self != .linear {   // a column slice: one row at a time
            for r in 0..<rows {
                backpropagate(delta + r * stride, output: y + r * stride, rows: 1, columns: columns)
            }
            return
        }
        let n = rows * columns
        let full = n - n % 8
        switch self {
        case .linear:
            return
        case .relu:
            // 8 lanes and a select, no branch (see `addBiasAndApply`).
            for i in Swift.stride(from: 0, to: full, by: 8) {
                delta.store(select(delta.lanes(at: i), whereIsPositive: y.lanes(at: i), else: .zero), at: i)
            }
            for i in full..<n { let d = delta[i]; delta[i] = y[i] > 0 ? d : 0 }
        case .leakyReLU(let a):
            let alpha = T(a)
            for i in Swift.stride(from: 0, to: full, by: 8) {
                let d = delta.lanes(at: i)
                delta.store(select(d, whereIsPositive: y.lanes(at: i), else: alpha * d), at: i)
            }
            for i in full..<n { let d = delta[i]; delta[i] = y[i] > 0 ? d : alpha * d }
        case .sigmoid:
            for i in Swift.stride(from: 0, to: full, by: 8) {
                let yi = y.lanes(at: i)
                delta.store(delta.lanes(at: i) * (yi * (1 - yi)), at: i)
            }
            for i in full..<n { delta[i] *= y[i] * (1 - y[i]) }
        case .tanh:
            for i in Swift.stride(from: 0, to: full, by: 8) {
                let yi = y.lanes(at: i)
                delta.store(delta.lanes(at: i) * (1 - yi * yi), at: i)
            }
            for i in full..<n { delta[i] *= 1 - y[i] * y[i] }
        case .softmax:
            for r in 0..<rows {
                let d = delta + r * stride, yr = y + r * stride
                var dot: T = 0
                for c in 0..<columns { dot += d[c] * yr[c] }
                for c in 0..<columns { d[c] = yr[c] * (d[c] - dot) }
            }
        }
    }
}
