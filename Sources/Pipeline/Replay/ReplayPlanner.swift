import Kafka

/// Resolves a replay range into per-partition offset ranges, capturing the high watermarks at
/// the start so the replay has a fixed end even while producers keep writing.
enum ReplayPlanner {
    static func plan(
        topic: String, start: ReplayStart, end: ReplayEnd, admin: KafkaAdmin, partitions only: [Int32]? = nil
    ) throws(PipelineError) -> [PartitionPlan] {
        let count = try TopicCheck.partitionCount(of: topic, role: "input", admin: admin)
        do {
            let ids = (0..<Int32(count)).filter { only?.contains($0) ?? true }
            let marks = try ids.map { id throws(KafkaError) in try admin.watermarks(topic: topic, partition: id) }
            let startTimes = try offsets(at: start.timestamp, topic: topic, ids: ids, admin: admin)
            let endTimes = try offsets(at: end.timestamp, topic: topic, ids: ids, admin: admin)
            return zip(ids, marks).enumerated().map { index, pair in
                let (id, mark) = pair
                var plan = PartitionPlan(partition: id, start: mark.low, end: mark.high)
                switch start {
                case .offset(let n): plan.start = max(n, mark.low)
                case .timestamp(let t):
                    if let o = startTimes?[index], o >= 0 { plan.start = max(o, mark.low) } else { plan.minTimestamp = t }
                }
                switch end {
                case .end: break
                case .offset(let n): plan.end = min(n, mark.high)
                case .timestamp(let t):
                    if let o = endTimes?[index], o >= 0 { plan.end = min(o, mark.high) } else { plan.maxTimestampExclusive = t }
                }
                return plan
            }
        } catch {
            throw .kafka(error)
        }
    }

    /// offsets-for-times answers per partition for a timestamp bound (nil without one).
    private static func offsets(
        at timestamp: Int64?, topic: String, ids: [Int32], admin: KafkaAdmin
    ) throws(KafkaError) -> [Int64]? {
        guard let timestamp else { return nil }
        let answers = try admin.offsetsForTimes(ids.map { TopicPartitionOffset(topic: topic, partition: $0, offset: timestamp) })
        return ids.map { id in answers.first { $0.partition == id }?.offset ?? -1 }
    }
}
