import Engine
import Testing
@testable import Data

/// Pixel bytes become network inputs byte/255 exactly: the vector path (8 at a time) and the
/// tail (the table) give the bits `T(b) / 255` gives, in both precisions.
@Suite struct PixelScalingTests {
    /// Rows 37 wide (four vectors and a tail of five) holding every byte value, filled in an
    /// order that is neither ascending nor contiguous.
    func check<T: Scalar>(_: T.Type) throws {
        let width = 37, count = 16
        let bytes = (0..<width * count).map { UInt8(($0 * 101 + 7) % 256) }
        #expect(Set(bytes).count == 256)
        let data = try Dataset(name: "pixels", features: .pixels(bytes), inputWidth: width, targets: .none)
        let order = [9, 0, 15, 3, 3, 12, 1, 7, 14, 2, 11, 5, 13, 4, 10, 6, 8]
        var x = [T](repeating: -1, count: order.count * width)
        var y = [T](repeating: 0, count: 1)
        order.withUnsafeBufferPointer { idx in
            x.withUnsafeMutableBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in data.fillBatch(idx, inputs: xp.baseAddress!, targets: yp.baseAddress!) }
            }
        }
        var wrong = 0
        for (row, example) in order.enumerated() {
            for c in 0..<width where x[row * width + c] != T(bytes[example * width + c]) / 255 { wrong += 1 }
        }
        #expect(wrong == 0, "\(wrong) of \(x.count) inputs differ from byte/255")
    }

    @Test func floatInputsAreByteOver255Exactly() throws { try check(Float.self) }
    @Test func doubleInputsAreByteOver255Exactly() throws { try check(Double.self) }
}
