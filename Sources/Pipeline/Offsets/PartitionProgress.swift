/// Consumed offsets of one partition (in consumption order) and which of them have been
/// acknowledged. The commit point is one past the last offset of the fully acknowledged
/// prefix, so a commit never passes an offset whose output is not yet delivered. Offsets need
/// not be contiguous integers (compaction and transaction markers leave gaps).
struct PartitionProgress: Sendable {
    let epoch: UInt64
    private var offsets: [Int64] = []
    private var acked: [Bool] = []
    private var head = 0
    /// Next offset to commit (last acknowledged-prefix offset + 1), nil until one is acknowledged.
    private(set) var commitPoint: Int64?
    /// The last offset handed to a commit (successful or in flight).
    var committed: Int64?

    init(epoch: UInt64) { self.epoch = epoch }

    /// Offsets consumed but not acknowledged yet (or acknowledged behind an unacknowledged one).
    var pendingCount: Int { offsets.count - head }

    /// The oldest offset not acknowledged yet: the commit point cannot pass it.
    var firstPending: Int64? { head < offsets.count ? offsets[head] : nil }

    /// Records a consumed offset. Returns false (and ignores it) unless it is beyond the last one.
    mutating func track(_ offset: Int64) -> Bool {
        if let last = offsets.last, offset <= last { return false }
        if let point = commitPoint, offset < point { return false }
        offsets.append(offset)
        acked.append(false)
        return true
    }

    /// Marks `offset` acknowledged and advances the commit point over the acknowledged prefix.
    mutating func acknowledge(_ offset: Int64) {
        guard let index = find(offset), !acked[index] else { return }
        acked[index] = true
        while head < offsets.count, acked[head] {
            commitPoint = offsets[head] + 1
            head += 1
        }
        if head > 4096, head * 2 > offsets.count {
            offsets.removeFirst(head)
            acked.removeFirst(head)
            head = 0
        }
    }

    /// The offset to commit if it moved past the last commit.
    var commitCandidate: Int64? {
        guard let point = commitPoint else { return nil }
        if let committed, committed >= point { return nil }
        return point
    }

    private func find(_ offset: Int64) -> Int? {
        var low = head, high = offsets.count
        while low < high {
            let mid = (low + high) / 2
            if offsets[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low < offsets.count && offsets[low] == offset ? low : nil
    }
}
