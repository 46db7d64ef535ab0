/// A dense, row-major matrix: element (r, c) lives at `storage[r * columns + c]`.
///
/// A batch of examples is a matrix with one example per row (`batch × features`); a dense
/// layer's weights are `inputs × outputs`, so a forward pass is `out = x · W + b`.
///
///     var m = Matrix<Float>(rows: 2, columns: 3, repeating: 0)
///     m[1, 2] = 5
///     let p = m.multiplied(by: Matrix(rows: 3, columns: 1, repeating: 1))   // 2×1
public struct Matrix<T: Scalar>: Equatable, Sendable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// Row-major elements; `storage.count == rows * columns` always.
    ///
    /// Mutated in place (`_modify`), then checked: a `didSet` observer here made every element
    /// write (`m.storage[i] = x`, `m[r, c] = x`) copy the whole array.
    public var storage: [T] {
        get { _storage }
        _modify {
            yield &_storage
            precondition(_storage.count == rows * columns, "Matrix storage size changed")
        }
        set {
            precondition(newValue.count == rows * columns, "Matrix storage size changed")
            _storage = newValue
        }
    }
    @usableFromInline var _storage: [T]

    public init(rows: Int, columns: Int, repeating value: T = 0) {
        precondition(rows >= 0 && columns >= 0, "negative matrix size")
        self.rows = rows
        self.columns = columns
        self._storage = Array(repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, storage: [T]) {
        precondition(storage.count == rows * columns,
                     "Matrix(\(rows)×\(columns)) needs \(rows * columns) elements, got \(storage.count)")
        self.rows = rows
        self.columns = columns
        self._storage = storage
    }

    /// Builds a matrix from nested rows; all rows must have the same length.
    public init(_ nested: [[T]]) {
        let columns = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: nested.count, columns: columns, storage: nested.flatMap { $0 })
    }

    public var count: Int { storage.count }
    public var shape: (rows: Int, columns: Int) { (rows, columns) }

    @inlinable
    public subscript(row: Int, column: Int) -> T {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// A copy of one row.
    public func row(_ r: Int) -> [T] { Array(storage[r * columns ..< (r + 1) * columns]) }

    /// The same numbers in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> Matrix<U> {
        Matrix<U>(rows: rows, columns: columns, storage: storage.map { U($0) })
    }

    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for r in 0..<rows { for c in 0..<columns { t.storage[c * rows + r] = storage[r * columns + c] } }
        return t
    }

    /// Changes the number of rows, keeping the first `min(old, new)` rows. Capacity is
    /// reserved once, so shrinking and regrowing within it does not allocate (the trainer
    /// uses this for the last, partial batch).
    public mutating func resizeRows(_ newRows: Int) {
        guard newRows != rows else { return }
        let newCount = newRows * columns
        if newCount < storage.count {
            rows = newRows
            storage.removeLast(storage.count - newCount)
        } else {
            rows = newRows
            storage.append(contentsOf: repeatElement(0, count: newCount - storage.count))
        }
    }

    /// `self · other` through BLAS GEMM.
    public func multiplied(by other: Matrix) -> Matrix {
        precondition(columns == other.rows, "shape mismatch: \(rows)×\(columns) · \(other.rows)×\(other.columns)")
        var out = Matrix(rows: rows, columns: other.columns)
        Matrix.gemm(self, other, into: &out)
        return out
    }

    /// `c = alpha · op(a) · op(b) + beta · c` through BLAS; shapes are checked.
    public static func gemm(
        _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
        into c: inout Matrix, alpha: T = 1, beta: T = 0
    ) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb && c.rows == m && c.columns == n, "gemm shape mismatch")
        if m == 0 || n == 0 { return }
        if k == 0 {   // BLAS leaves C untouched; define the product as beta · C.
            for i in c.storage.indices { c.storage[i] *= beta }
            return
        }
        let ldc = max(1, c.columns)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                           alpha: alpha, a: pa.baseAddress!, lda: max(1, a.columns),
                           b: pb.baseAddress!, ldb: max(1, b.columns),
                           beta: beta, c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String { "Matrix<\(T.precisionName)>(\(rows)×\(columns))" }
}
