import CRdKafka

typealias NativePartitionList = UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

/// Conversions between Swift partition values and `rd_kafka_topic_partition_list_t`.
/// Every list created here is destroyed here (`withNativeList`): leaked lists make
/// `rd_kafka_destroy` hang.
enum PartitionList {
    /// Creates a native list for the duration of `body`, then destroys it.
    static func withNativeList<R, E: Error>(
        _ items: [TopicPartitionOffset], _ body: (NativePartitionList) throws(E) -> R
    ) throws(E) -> R {
        let list = rd_kafka_topic_partition_list_new(Int32(clamping: max(items.count, 1)))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for item in items {
            let elem = rd_kafka_topic_partition_list_add(list, item.topic, item.partition)!
            elem.pointee.offset = item.offset
        }
        return try body(list)
    }

    static func withNativeList<R, E: Error>(
        _ partitions: [TopicPartition], offset: Int64 = KafkaOffset.invalid,
        _ body: (NativePartitionList) throws(E) -> R
    ) throws(E) -> R {
        try withNativeList(partitions.map { TopicPartitionOffset($0, offset: offset) }, body)
    }

    /// Copies a native list (not taking ownership).
    static func read(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartitionOffset] {
        guard let list, list.pointee.cnt > 0, let elems = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { i in
            let e = elems[i]
            let topic = String(cString: e.topic)
            let error = e.err == RD_KAFKA_RESP_ERR_NO_ERROR
                ? nil : KafkaError(e.err, topic: topic, partition: e.partition)
            return TopicPartitionOffset(topic: topic, partition: e.partition, offset: e.offset, error: error)
        }
    }

    /// Copies a list whose ownership was handed to us, then destroys it.
    static func readAndDestroy(_ list: NativePartitionList?) -> [TopicPartitionOffset] {
        guard let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return read(list)
    }
}
