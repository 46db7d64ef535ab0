#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much stack the current thread has left, so that deep recursion in nnsh code (a
/// procedure calling itself) stops with an error instead of overflowing the stack, whatever the
/// thread's stack size (8 MB on the main thread, 512 KB on a worker) and the build (a sanitizer
/// build's frames are several times larger). `Interpreter.maxCallDepth` bounds the depth as
/// well; this bounds the bytes.
enum StackRoom {
    /// This thread's stack: `floor`, the lowest address the interpreter may reach before it
    /// refuses to go deeper (the stack's end plus a reserve for the deepest work one call does
    /// without calling again: nested expressions, a command), and `top`, its highest address;
    /// nil when the system does not say.
    static func bounds() -> (floor: UInt, top: UInt)? {
        #if canImport(Glibc)
        var attributes = pthread_attr_t()
        guard let getAttributes, getAttributes(pthread_self(), &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var base: UnsafeMutableRawPointer? = nil
        var size = 0
        guard pthread_attr_getstack(&attributes, &base, &size) == 0, let base, size > 0 else { return nil }
        let reserve = Swift.max(64 << 10, Swift.min(1 << 20, size / 4))
        return (UInt(bitPattern: base) + UInt(reserve), UInt(bitPattern: base) + UInt(size))
        #else
        return nil
        #endif
    }

    /// The floor for the calling thread: `cached` when the caller's frame lies in that stack
    /// (asking the system reads /proc/self/maps for the main thread: not for every statement),
    /// else asked anew.
    static func bounds(reusing cached: (floor: UInt, top: UInt)?) -> (floor: UInt, top: UInt)? {
        let address = here()
        if let cached, address > cached.floor, address < cached.top { return cached }
        return bounds()
    }

    #if canImport(Glibc)
    /// glibc's `pthread_getattr_np` (a GNU extension the Glibc module does not import).
    private typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
    private static let getAttributes: GetAttributes? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np")
        .map { unsafeBitCast($0, to: GetAttributes.self) }
    #endif

    /// The address of a local of the caller's frame (the stack grows down).
    @inline(never) static func here() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }
}
