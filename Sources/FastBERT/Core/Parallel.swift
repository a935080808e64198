import CDispatch
import Dispatch
import Synchronization

/// Carries a value that is not Sendable into a parallel loop whose iterations touch disjoint parts of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs `body(i)` for every i in 0..<count on up to `threads` threads, each taking the next
/// unclaimed index when it comes free, and waits for all of them. Goes through `dispatch_apply_f`
/// with a context pointer rather than `DispatchQueue.concurrentPerform`, whose closure is copied
/// to the heap on every call. A call still allocates up to twice: the box `withoutActuallyEscaping`
/// makes for `body`, and at times a libdispatch continuation (EngineAllocationTests).
func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    let workers = min(count, threads)
    if workers <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        // A temporary allocation is on the stack; a local variable whose address is taken is
        // boxed on the heap in unoptimized builds.
        withUnsafeTemporaryAllocation(of: ParallelJob.self, capacity: 1) { storage in
            let job = storage.baseAddress!
            job.initialize(to: ParallelJob(body: escapable, count: count))
            defer { job.deinitialize(count: 1) }
            MatrixProductLog.whileSharded(workers) {
                dispatch_apply_f(workers, dispatch_get_global_queue(0, 0), job) { context, _ in
                    let job = context!.assumingMemoryBound(to: ParallelJob.self)
                    while true {
                        let i = job.pointee.next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard i < job.pointee.count else { return }
                        job.pointee.body(i)
                    }
                }
            }
        }
    }
}

/// What `parallelFor`'s workers share, passed to them as one pointer: the body, the next
/// unclaimed index and the count.
private struct ParallelJob: ~Copyable {
    let body: (Int) -> Void
    let next = Atomic<Int>(0)
    let count: Int
}

/// Splits packed sequences into at most `shards` contiguous groups of about equal token counts,
/// so each thread runs whole layers on its own rows with one join per layer. Writes them into
/// `ranges`, whose capacity is kept from call to call.
func shardSequences(lengths: [Int], tokens: Int, shards: Int, into ranges: inout [Range<Int>]) {
    ranges.removeAll(keepingCapacity: true)
    guard shards > 1, lengths.count > 1 else { return ranges.append(0..<lengths.count) }
    var begin = 0, accumulated = 0
    for index in lengths.indices {
        accumulated += lengths[index]
        let target = tokens * (ranges.count + 1) / shards
        if accumulated >= target, ranges.count < shards - 1, index + 1 < lengths.count {
            ranges.append(begin..<(index + 1))
            begin = index + 1
        }
    }
    ranges.append(begin..<lengths.count)
}
