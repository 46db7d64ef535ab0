import Engine

// Shared by EngineTests and ModelFilesTests (a library target: test targets cannot import each other).

/// |a − b| ≤ tolerance · max(1, |a|, |b|): relative for large values, absolute near zero.
public func isClose(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

public func isClose<T: Scalar>(_ a: [T], _ b: [T], tolerance: Double = 1e-9) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { isClose(Double($0), Double($1), tolerance: tolerance) }
}

/// A random matrix with entries uniform in [−scale, scale).
public func randomMatrix<T: Scalar>(_ rows: Int, _ columns: Int, scale: Double = 1,
                             _ g: inout RandomGenerator) -> Matrix<T> {
    Matrix(rows: rows, columns: columns,
           storage: (0..<rows * columns).map { _ in T(scale * (2 * g.nextUniform() - 1)) })
}

/// A network of the given widths; `hidden` for every layer but the last, `output` for the last.
public func makeNetwork<T: Scalar>(
    _ widths: [Int], hidden: Activation, output: Activation, cost: Cost? = nil, seed: UInt64 = 1
) throws -> Network<T> {
    var g = RandomGenerator(seed: seed)
    let net = try Network<T>(inputWidth: widths[0])
    for (i, w) in widths.dropFirst().enumerated() {
        try net.addDense(outputs: w, activation: i == widths.count - 2 ? output : hidden, generator: &g)
    }
    try net.setCost(cost)
    return net
}

/// XOR as a two-class data set (one-hot targets).
public func xorData<T: Scalar>(_: T.Type = T.self) -> MatrixData<T> {
    MatrixData(inputs: Matrix([[0, 0], [0, 1], [1, 0], [1, 1]]), labels: [0, 1, 1, 0], classes: 2)
}

/// 4 → dropout 0.3 → 6 tanh → dropout 0.5 → 3 softmax, float64, seed 7 (the dropout tests' network).
public func droppedNetwork() throws -> Network<Double> {
    var g = RandomGenerator(seed: 7)
    let net = try Network<Double>(inputWidth: 4)
    try net.addDropout(rate: 0.3)
    try net.addDense(outputs: 6, activation: .tanh, generator: &g)
    try net.addDropout(rate: 0.5)
    try net.addDense(outputs: 3, activation: .softmax, generator: &g)
    return net
}
