import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes OpenBLAS's packing buffers once, before training, so its GEMM kernels never prefetch
/// into pages nobody has touched.
///
/// OpenBLAS packs a block of op(B) into a work buffer it maps once per concurrent caller and
/// keeps for the life of the process. While it multiplies with one 12-column panel of that block,
/// its kernel prefetches the next panel, also past the last one: into pages of the buffer that a
/// product as narrow as a network layer (n = 300) never writes. A software prefetch to a page
/// that has never been touched still walks the page tables every time, and the kernel spends most
/// of its time there. Measured on a 2-core AMD EPYC (Zen 1) with Debian's OpenBLAS 0.3.21: the
/// forward product of MNIST training, 64×784 · 784×300, ran at 12.7 GFLOP/s in a fresh process
/// and at 38 GFLOP/s after one wider product had written the buffer, and a float32 epoch at one
/// thread went from 3.6 s to 2.0 s.
///
/// The cure is one throw-away product, 64 × 512 · 512 × `width`, wider than every product the
/// network will make, run once per process, precision, thread count and width. With a worker
/// pool every part runs it at the same moment, because OpenBLAS hands each concurrent caller a
/// buffer of its own. About 4 ms for MNIST (64 × 512 · 512 × 896 with its allocation, timed in a
/// C harness); it changes no result.
enum BLASWarmUp {
    /// Widest product already warmed, by precision and part count: one record per process
    /// (`process`); a test passes its own, so that other tests warming wider networks at the
    /// same time cannot change what it sees.
    final class Record: Sendable {
        fileprivate let widths = Mutex<[Key: Int]>([:])
        init() {}
    }

    static let process = Record()

    fileprivate struct Key: Hashable {
        let precision: String
        let parts: Int
    }

    /// Warms the buffers for products of `network` split over `parallel` (or on this thread),
    /// unless an earlier call already did for this precision, part count and width.
    /// Returns whether it ran a product.
    @discardableResult
    static func prepare<T: Scalar>(for network: Network<T>, parallel: ParallelJobs<T>?, record: Record = process) -> Bool {
        let width = Self.width(for: network)
        guard width > 0 else { return false }
        let parts = parallel?.width ?? 1
        let key = Key(precision: T.precisionName, parts: parts)
        let needed = record.widths.withLock { done -> Bool in
            if let w = done[key], w >= width { return false }
            done[key] = width
            return true
        }
        guard needed else { return false }
        if let parallel {
            let barrier = Barrier(parties: parts)
            parallel.pool.run { _ in
                barrier.arriveAndWait()
                product(T.self, width: width)
            }
        } else {
            product(T.self, width: width)
        }
        return true
    }

    /// The n of the warm-up product: past the widest n the network's products use (each
    /// layer's `largestProduct`: its n, and its k, which is the n of the product that passes
    /// the gradient back; a dense layer's outputs and inputs) by more than one panel; at least
    /// 512. Zero for a network without products.
    static func width<T: Scalar>(for network: Network<T>) -> Int {
        let widest = network.stack.reduce(0) { w, layer in
            layer.largestProduct(rows: 1).map { Swift.max(w, $0.n, $0.k) } ?? w
        }
        guard widest > 0 else { return 0 }
        return Swift.max(512, (widest + 64 + 63) / 64 * 64)
    }

    /// One product 64 × 512 · 512 × `width` on zeros, through the same BLAS call training uses.
    private static func product<T: Scalar>(_: T.Type, width: Int) {
        let m = 64, k = 512
        let a = UnsafeMutablePointer<T>.allocate(capacity: m * k)
        let b = UnsafeMutablePointer<T>.allocate(capacity: k * width)
        let c = UnsafeMutablePointer<T>.allocate(capacity: m * width)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        a.initialize(repeating: 0, count: m * k)
        b.initialize(repeating: 0, count: k * width)
        T.gemm(transposeA: false, transposeB: false, m: m, n: width, k: k, alpha: 1, a: a, lda: k,
               b: b, ldb: width, beta: 0, c: c, ldc: width)
    }

    /// Holds each of `parties` callers until all have arrived, so their products overlap; gives
    /// up waiting after 50 ms (a part that never comes must not hang training).
    private final class Barrier: Sendable {
        let parties: Int
        let arrived = Atomic<Int>(0)

        init(parties: Int) { self.parties = parties }

        func arriveAndWait() {
            arrived.add(1, ordering: .sequentiallyConsistent)
            let start = WorkerPool.nanoseconds()
            while arrived.load(ordering: .sequentiallyConsistent) < parties {
                sched_yield()
                if WorkerPool.nanoseconds() &- start > 50_000_000 { return }
            }
        }
    }
}
