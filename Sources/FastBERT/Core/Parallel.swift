import Dispatch
import Synchronization

/// Carries a value that is not Sendable into a parallel loop whose iterations touch disjoint parts of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs `body(i)` for every i in 0..<count on up to `threads` threads, each taking the next
/// unclaimed index when it comes free, and waits for all of them.
func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    let workers = min(count, threads)
    if workers <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    let next = Atomic<Int>(0)
    withoutActuallyEscaping(body) { escapable in
        let shared = UncheckedSendable(escapable)
        MatrixProductLog.whileSharded(workers) {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < count else { return }
                    shared.value(i)
                }
            }
        }
    }
}

/// Splits packed sequences into at most `shards` contiguous groups of about equal token counts,
/// so each thread runs whole layers on its own rows with one join per layer.
func shardSequences(lengths: [Int], tokens: Int, shards: Int) -> [Range<Int>] {
    guard shards > 1, lengths.count > 1 else { return [0..<lengths.count] }
    var ranges: [Range<Int>] = []
    var begin = 0, accumulated = 0
    for (index, length) in lengths.enumerated() {
        accumulated += length
        let target = tokens * (ranges.count + 1) / shards
        if accumulated >= target, ranges.count < shards - 1, index + 1 < lengths.count {
            ranges.append(begin..<(index + 1))
            begin = index + 1
        }
    }
    ranges.append(begin..<lengths.count)
    return ranges
}
