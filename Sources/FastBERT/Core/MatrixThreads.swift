import CBLAS
import Synchronization

/// The number of threads an engine's matrix products use, fixed when the engine (or a training
/// stage) is built, and the one place that sets OpenBLAS's thread count, which is global to the
/// process. Products the calling thread runs alone get all `count` threads inside OpenBLAS;
/// products split into shards of whole sequences run one shard per thread, each on
/// single-threaded OpenBLAS. Every part of the engine says which before it runs its products,
/// so a count left behind by another part, or by another engine, never decides.
struct MatrixThreads: Sendable, Equatable {
    let count: Int

    init(_ count: Int) { self.count = max(1, count) }

    /// Before products the calling thread runs by itself.
    func alone() { Self.setOpenBLAS(count) }

    /// Before `shards` shards run side by side (at most `count`); a lone shard runs alone.
    func sharded(_ shards: Int) { Self.setOpenBLAS(shards > 1 ? 1 : count) }

    private static func setOpenBLAS(_ n: Int) {
        if openblas_get_num_threads() != Int32(n) { openblas_set_num_threads(Int32(n)) }
    }
}

/// For tests: while enabled, counts every matrix product by the threads working on it, that is
/// OpenBLAS's thread count when the product starts times the shards running side by side.
/// Observes one engine at a time.
enum MatrixProductLog {
    private static let enabled = Atomic<Bool>(false)
    private static let shardsRunning = Atomic<Int>(1)
    private static let counts = Mutex<[Int: Int]>([:])

    /// Products by thread count, of the products `body` ran.
    static func record(_ body: () throws -> Void) rethrows -> [Int: Int] {
        counts.withLock { $0 = [:] }
        enabled.store(true, ordering: .sequentiallyConsistent)
        defer { enabled.store(false, ordering: .sequentiallyConsistent) }
        try body()
        return counts.withLock { $0 }
    }

    @inline(__always)
    static func product() {
        guard enabled.load(ordering: .relaxed) else { return }
        let threads = Int(openblas_get_num_threads()) * shardsRunning.load(ordering: .relaxed)
        counts.withLock { $0[threads, default: 0] += 1 }
    }

    /// Marks `shards` shards running side by side for the duration of `body`.
    static func whileSharded(_ shards: Int, _ body: () -> Void) {
        shardsRunning.store(shards, ordering: .relaxed)
        defer { shardsRunning.store(1, ordering: .relaxed) }
        body()
    }
}
