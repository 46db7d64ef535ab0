import Engine

/// The table `byte → byte/255` that turns stored pixels into network inputs, for Float and
/// Double made once per process, so filling a batch allocates nothing.
enum ByteScale {
    static let float: [Float] = (0..<256).map { Float($0) / 255 }
    static let double: [Double] = (0..<256).map { Double($0) / 255 }

    /// Calls `body` with the table for `T` (`table[b] == T(b) / 255`).
    static func withTable<T: Scalar, R>(of _: T.Type, _ body: (UnsafePointer<T>) -> R) -> R {
        if T.self == Float.self {
            return float.withUnsafeBufferPointer { body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: T.self)) }
        }
        if T.self == Double.self {
            return double.withUnsafeBufferPointer { body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: T.self)) }
        }
        let table = (0..<256).map { T($0) / 255 }
        return table.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
