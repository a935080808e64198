/// Where outputs go. Keyed inputs keep their key (so the producer's partitioner places them);
/// null-keyed inputs go to `source partition % partition count` of the target topic, so
/// reruns and replays place them deterministically.
public struct OutputRouting: Sendable, Hashable {
    public var outputTopic: String
    public var outputPartitions: Int32?
    /// nil: rejected records become error outputs on `outputTopic`.
    public var deadLetterTopic: String?
    public var deadLetterPartitions: Int32?

    public init(outputTopic: String, outputPartitions: Int32? = nil, deadLetterTopic: String? = nil, deadLetterPartitions: Int32? = nil) {
        self.outputTopic = outputTopic
        self.outputPartitions = outputPartitions
        self.deadLetterTopic = deadLetterTopic
        self.deadLetterPartitions = deadLetterPartitions
    }

    static func partition(key: [UInt8]?, source: Int32, count: Int32?) -> Int32? {
        guard key == nil, let count, count > 0 else { return nil }
        return source % count
    }
}
