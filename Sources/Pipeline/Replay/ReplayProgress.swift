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

    /// The partitions of the plan.
    var partitions: [Int32] { plans.keys.sorted() }

    /// Partitions read to their range end.
    var completed: Set<Int32> { done }

    /// The next offset to read of a partition of the plan.
    func position(_ partition: Int32) -> Int64? {
        guard let plan = plans[partition] else { return nil }
        return done.contains(partition) ? plan.end : (position[partition] ?? plan.start)
    }

    /// The parts of the range not read yet, e.g. `t[0] 57..<200, t[2] 10..<200`.
    func unread(topic: String) -> String {
        plans.values.sorted { $0.partition < $1.partition }.compactMap { plan in
            guard !done.contains(plan.partition), let from = position(plan.partition) else { return nil }
            return "\(topic)[\(plan.partition)] \(from)..<\(plan.end)"
        }.joined(separator: ", ")
    }

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
