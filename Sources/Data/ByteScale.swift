import Engine

/// Stored pixels into network inputs, byte → byte/255: `convert` does 8 at a time; the table
/// (`Scalar.byteFractions`, made once per process, so filling a batch allocates nothing) serves
/// the last `count % 8` of a row and defines the values both must give.
enum ByteScale {
    /// Writes `x[i] = T(bytes[i]) / 255` for `i < count`: 8 at a time through integer-to-float
    /// conversion and one division (the same IEEE operation the table was made with, so the
    /// same bits), the last `count % 8` through `table`. About twice as fast as a table
    /// lookup per byte, which the compiler leaves scalar.
    static func convert<T: Scalar>(_ bytes: UnsafePointer<UInt8>, count: Int, into x: UnsafeMutablePointer<T>,
                                   table: UnsafePointer<T>) {
        let full = count - count % 8
        let divisor = SIMD8<T>(repeating: 255)
        var i = 0
        while i < full {
            let b = UnsafeRawPointer(bytes + i).loadUnaligned(as: SIMD8<UInt8>.self)
            let scaled = SIMD8<T>(SIMD8<Int32>(truncatingIfNeeded: b)) / divisor
            UnsafeMutableRawPointer(x + i).storeBytes(of: scaled, as: SIMD8<T>.self)
            i += 8
        }
        while i < count {
            x[i] = table[Int(bytes[i])]
            i += 1
        }
    }

    /// Calls `body` with the table for `T` (`table[b] == T(b) / 255`, `Scalar.byteFractions`).
    static func withTable<T: Scalar, R>(of _: T.Type, _ body: (UnsafePointer<T>) -> R) -> R {
        T.byteFractions.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
