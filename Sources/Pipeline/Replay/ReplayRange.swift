/// Where a replay starts and stops. Offsets are absolute and apply to every partition; ends are
/// exclusive (`--to-offset 100` replays offsets below 100). Timestamps are milliseconds since
/// the epoch: a replay from T includes records with timestamp >= T, one to T those < T.
public enum ReplayStart: Sendable, Hashable {
    case offset(Int64)
    case timestamp(Int64)

    var timestamp: Int64? { if case .timestamp(let t) = self { t } else { nil } }
}

public enum ReplayEnd: Sendable, Hashable {
    case offset(Int64)
    case timestamp(Int64)
    /// The high watermark captured when the replay starts.
    case end

    var timestamp: Int64? { if case .timestamp(let t) = self { t } else { nil } }
}

/// The resolved plan for one partition: offsets `[start, end)`, plus a timestamp filter when
/// the broker could not map timestamps to offsets (librdkafka's mock answers -1) and the range
/// has to be scanned.
public struct PartitionPlan: Sendable, Hashable {
    public var partition: Int32
    public var start: Int64
    public var end: Int64
    /// Only records with timestamp >= this are replayed.
    public var minTimestamp: Int64?
    /// Only records with timestamp < this are replayed.
    public var maxTimestampExclusive: Int64?

    public var count: Int64 { max(0, end - start) }
    public var isEmpty: Bool { end <= start }

    func accepts(timestampMs: Int64) -> Bool {
        if let minTimestamp, timestampMs < minTimestamp { return false }
        if let maxTimestampExclusive, timestampMs >= maxTimestampExclusive { return false }
        return true
    }
}
