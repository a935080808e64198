import Kafka

/// Which records of a replay to process, and when each partition is finished.
struct ReplayProgress {
    enum Decision { case process, skip, ignore }

    private var plans: [Int32: PartitionPlan]
    private var done: Set<Int32> = []
    private var position: [Int32: Int64] = [:]
    private(set) var processed: Int64 = 0
    private(set) var filtered: Int64 = 0

    init(plans: [PartitionPlan]) {
        self.plans = Dictionary(uniqueKeysWithValues: plans.map { ($0.partition, $0) })
    }

    var isComplete: Bool { done.count == plans.count }

    func isComplete(_ partition: Int32) -> Bool { done.contains(partition) }

    /// Offsets of the range consumed so far (processed, filtered or gaps).
    var scanned: Int64 {
        plans.values.reduce(0) { sum, plan in
            guard let p = position[plan.partition] else { return sum }
            return sum + min(plan.count, max(0, p - plan.start))
        }
    }

    /// Decides for a consumed record or event; marks partitions done at their range end.
    mutating func classify(_ message: KafkaMessage) -> Decision {
        guard let plan = plans[message.partition], !done.contains(message.partition) else { return .ignore }
        if let error = message.error {
            // End of partition: everything up to the current end was read.
            if error.code == .partitionEOF, message.offset >= plan.end { finish(plan) }
            return .ignore
        }
        guard message.offset < plan.end else {
            finish(plan)
            return .ignore
        }
        guard message.offset >= plan.start else { return .ignore }
        position[plan.partition] = message.offset + 1
        if message.offset + 1 >= plan.end { done.insert(plan.partition) }
        guard plan.accepts(timestampMs: message.timestampMs) else {
            filtered += 1
            return .skip
        }
        processed += 1
        return .process
    }

    private mutating func finish(_ plan: PartitionPlan) {
        position[plan.partition] = plan.end
        done.insert(plan.partition)
    }
}
