/// A fixed-size, zero-initialised block of scalars owned by a training workspace.
///
/// Workspaces use these instead of arrays so the hot loop touches plain pointers: no
/// copy-on-write checks, no exclusivity checks, and nothing is allocated after creation.
final class Buffer<T: Scalar> {
    let pointer: UnsafeMutablePointer<T>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: Swift.max(count, 1))
        pointer.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    convenience init(_ values: [T]) {
        self.init(count: values.count)
        copy(from: values)
    }

    deinit { pointer.deallocate() }

    var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    func copy(from values: [T]) {
        precondition(values.count == count, "buffer size mismatch")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    func copy(from other: Buffer<T>) {
        precondition(other.count == count, "buffer size mismatch")
        pointer.update(from: other.pointer, count: count)
    }

    func zero() { pointer.update(repeating: 0, count: count) }
}
