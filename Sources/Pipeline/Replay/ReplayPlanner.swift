import Kafka

/// Resolves a replay range into per-partition offset ranges, capturing the high watermarks at
/// the start so the replay has a fixed end even while producers keep writing. A range that
/// starts below a partition's low watermark is refused: those records were deleted, and a
/// replay that silently started later would not cover its range.
enum ReplayPlanner {
    static func plan(
        topic: String, start: ReplayStart, end: ReplayEnd, admin: KafkaAdmin, partitions only: [Int32]? = nil
    ) throws(PipelineError) -> [PartitionPlan] {
        let count = try TopicCheck.partitionCount(of: topic, role: "input", admin: admin)
        if let only, let missing = only.first(where: { !(0..<count).contains($0) }) {
            throw .invalidConfiguration("the input topic '\(topic)' has no partition \(missing) (it has \(count))")
        }
        let ids = (0..<count).filter { only?.contains($0) ?? true }
        let marks: [WatermarkOffsets]
        let startTimes: [Int64]?, endTimes: [Int64]?
        do {
            marks = try ids.map { id throws(KafkaError) in try admin.watermarks(topic: topic, partition: id) }
            startTimes = try offsets(at: start.timestamp, topic: topic, ids: ids, admin: admin)
            endTimes = try offsets(at: end.timestamp, topic: topic, ids: ids, admin: admin)
        } catch {
            throw .kafka(error)
        }
        return try zip(ids, marks).enumerated().map { index, pair throws(PipelineError) in
            let (id, mark) = pair
            var plan = PartitionPlan(partition: id, start: mark.low, end: mark.high)
            switch end {
            case .end: break
            case .offset(let n): plan.end = min(n, mark.high)
            case .timestamp(let t):
                if let o = endTimes?[index], o >= 0 { plan.end = min(o, mark.high) } else { plan.maxTimestampExclusive = t }
            }
            switch start {
            case .offset(let n):
                let requestedEnd = if case .offset(let e) = end { e } else { mark.high }
                if n < mark.low, n < requestedEnd {
                    throw .replayIncomplete(
                        "\(topic)[\(id)]: the range starts at offset \(n), but the oldest offset still on the broker is "
                            + "\(mark.low) (offsets \(n)..<\(mark.low) were deleted); start at \(mark.low) or later")
                }
                plan.start = max(n, mark.low)
            case .timestamp(let t):
                if let o = startTimes?[index], o >= 0 { plan.start = max(o, mark.low) } else { plan.minTimestamp = t }
            }
            return plan
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
