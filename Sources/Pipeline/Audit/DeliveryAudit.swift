/// Checks what a consumer group wrote against what it read, for at-least-once delivery (the
/// auditor of `fastbert chaos`):
///
/// - every record the input producer had acknowledged is in the input topic (`missingInputs`);
/// - every input record has an output (`lost` lists those without);
/// - every output equals the engine's direct result for its input (`mismatches`; an output
///   naming no known input counts too);
/// - a record is answered more than once only from an uncommitted window: the copies of an
///   input beyond the first are at most the redo points (a member killed, a member joining and
///   so a rebalance) at which its offset was not yet committed (`unexplainedDuplicates`);
/// - a committed offset never passes an unanswered input: at every commit sample, each offset
///   below the committed one has an output produced no later than the sample (`commitViolations`).
public enum DeliveryAudit {
    public struct Expected: Sendable, Equatable, CustomStringConvertible {
        public var label: String
        public var exitLayer: Int
        public init(label: String, exitLayer: Int) {
            self.label = label
            self.exitLayer = exitLayer
        }
        public var description: String { "\(label)@\(exitLayer)" }
    }

    public struct Input: Sendable {
        public var partition: Int32
        public var offset: Int64
        public var expected: Expected
        public init(partition: Int32, offset: Int64, expected: Expected) {
            self.partition = partition
            self.offset = offset
            self.expected = expected
        }
    }

    /// An output record, by the source partition and offset it names.
    public struct Output: Sendable {
        public var partition: Int32
        public var offset: Int64
        public var result: Expected
        /// The output record's timestamp (its producer's create time), ms since the epoch.
        public var timestampMs: Int64
        public init(partition: Int32, offset: Int64, result: Expected, timestampMs: Int64) {
            self.partition = partition
            self.offset = offset
            self.result = result
            self.timestampMs = timestampMs
        }
    }

    /// The group's committed offsets (next offset to read) per partition, read at `timeMs`.
    public struct CommitSample: Sendable {
        public var timeMs: Int64
        public var committed: [Int32: Int64]
        public init(timeMs: Int64, committed: [Int32: Int64]) {
            self.timeMs = timeMs
            self.committed = committed
        }
    }

    public struct Report: Sendable {
        public var messages = 0
        public var acknowledged = 0
        public var missingInputs: [String] = []
        public var outputs = 0
        public var lost: [String] = []
        public var duplicates = 0
        public var unexplainedDuplicates: [String] = []
        public var mismatches: [String] = []
        public var commitViolations: [String] = []
        public var passed: Bool {
            missingInputs.isEmpty && lost.isEmpty && unexplainedDuplicates.isEmpty && mismatches.isEmpty && commitViolations.isEmpty
        }
    }

    private struct Key: Hashable { var partition: Int32; var offset: Int64 }

    /// `acknowledged`: the input producer's successful delivery reports. `redoPoints`: the
    /// committed offsets at each moment uncommitted work could be redone.
    public static func run(
        acknowledged: [Acknowledged], inputs: [Input], outputs: [Output], samples: [CommitSample], redoPoints: [[Int32: Int64]]
    ) -> Report {
        var report = Report()
        report.messages = inputs.count
        report.acknowledged = acknowledged.count
        report.missingInputs = missingInputs(acknowledged: acknowledged, inputs: inputs)
        report.outputs = outputs.count
        var expected: [Key: Expected] = [:]
        for input in inputs { expected[Key(partition: input.partition, offset: input.offset)] = input.expected }
        var copies: [Key: Int] = [:], earliest: [Key: Int64] = [:]
        for output in outputs {
            let key = Key(partition: output.partition, offset: output.offset)
            guard let want = expected[key] else {
                report.mismatches.append("output for unknown input \(key.partition)/\(key.offset)")
                continue
            }
            if output.result != want {
                report.mismatches.append("\(key.partition)/\(key.offset): got \(output.result), engine says \(want)")
            }
            copies[key, default: 0] += 1
            earliest[key] = min(earliest[key] ?? .max, output.timestampMs)
        }
        for input in inputs {
            let key = Key(partition: input.partition, offset: input.offset)
            guard let count = copies[key] else {
                report.lost.append("\(key.partition)/\(key.offset)")
                continue
            }
            report.duplicates += count - 1
            let allowed = redoPoints.filter { input.offset >= max(0, $0[input.partition] ?? 0) }.count
            if count - 1 > allowed {
                report.unexplainedDuplicates.append("\(key.partition)/\(key.offset): \(count) copies, \(allowed) redo point(s) below it")
            }
        }
        report.commitViolations = commitViolations(inputs: inputs, earliest: earliest, samples: samples)
        return report
    }

    /// Per partition, inputs in offset order with the running maximum of their first answer's
    /// time; a sample violates when the inputs below its committed offset were not all answered
    /// by the sample's time.
    private static func commitViolations(inputs: [Input], earliest: [Key: Int64], samples: [CommitSample]) -> [String] {
        var byPartition: [Int32: [Int64]] = [:]
        for input in inputs { byPartition[input.partition, default: []].append(input.offset) }
        var prefixMax: [Int32: (offsets: [Int64], latest: [Int64])] = [:]
        for (partition, offsets) in byPartition {
            let sorted = offsets.sorted()
            var running = Int64.min, latest: [Int64] = []
            for offset in sorted {
                running = max(running, earliest[Key(partition: partition, offset: offset)] ?? .max)
                latest.append(running)
            }
            prefixMax[partition] = (sorted, latest)
        }
        var violations: [String] = []
        for sample in samples {
            for (partition, committed) in sample.committed where committed > 0 {
                guard let table = prefixMax[partition] else { continue }
                let below = table.offsets.partitionPoint { $0 >= committed }
                guard below > 0, table.latest[below - 1] > sample.timeMs else { continue }
                let first = table.offsets[0..<below].first { (earliest[Key(partition: partition, offset: $0)] ?? .max) > sample.timeMs } ?? -1
                violations.append("partition \(partition) committed \(committed) at \(sample.timeMs) ms, offset \(first) unanswered then")
            }
        }
        return violations
    }
}

extension Array {
    /// The index of the first element for which `predicate` holds, the array being partitioned
    /// (false before true).
    fileprivate func partitionPoint(_ predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
