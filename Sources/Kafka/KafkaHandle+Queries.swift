import CRdKafka

/// Cluster queries shared by `KafkaAdmin` and `KafkaConsumer`.
extension KafkaHandle {
    /// Topic metadata for `topic`, or for all topics in the cluster when `topic` is nil.
    func metadata(topic: String?, timeout: Duration) throws(KafkaError) -> (brokers: [BrokerMetadata], topics: [TopicMetadata]) {
        var rkt: OpaquePointer?
        if let topic {
            rkt = rd_kafka_topic_new(rk, topic, nil)
            guard rkt != nil else {
                throw KafkaError(rd_kafka_last_error(), message: "rd_kafka_topic_new failed", topic: topic)
            }
        }
        defer { if let rkt { rd_kafka_topic_destroy(rkt) } }

        var mdp: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(rk, topic == nil ? 1 : 0, rkt, &mdp, timeout.kafkaMilliseconds)
        try KafkaError.check(err, "metadata request failed", topic: topic)
        guard let md = mdp else { throw KafkaError(code: .state, message: "metadata: no result", topic: topic) }
        defer { rd_kafka_metadata_destroy(md) }

        let brokers = (0..<Int(md.pointee.broker_cnt)).map { i in
            let b = md.pointee.brokers[i]
            return BrokerMetadata(id: b.id, host: String(cString: b.host), port: b.port)
        }
        let topics = (0..<Int(md.pointee.topic_cnt)).map { i -> TopicMetadata in
            let t = md.pointee.topics[i]
            let name = String(cString: t.topic)
            let partitions = (0..<Int(t.partition_cnt)).map { j -> PartitionMetadata in
                let p = t.partitions[j]
                return PartitionMetadata(
                    id: p.id, leader: p.leader,
                    replicas: Array(UnsafeBufferPointer(start: p.replicas, count: Int(p.replica_cnt))),
                    inSyncReplicas: Array(UnsafeBufferPointer(start: p.isrs, count: Int(p.isr_cnt))),
                    error: p.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(p.err, topic: name, partition: p.id))
            }
            return TopicMetadata(
                name: name, partitions: partitions,
                error: t.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(t.err, topic: name))
        }
        return (brokers, topics)
    }

    /// Asks the partition leader for its low/high watermarks.
    func watermarks(topic: String, partition: Int32, timeout: Duration) throws(KafkaError) -> WatermarkOffsets {
        var low: Int64 = -1
        var high: Int64 = -1
        let err = rd_kafka_query_watermark_offsets(rk, topic, partition, &low, &high, timeout.kafkaMilliseconds)
        try KafkaError.check(err, "watermark query failed", topic: topic, partition: partition)
        return WatermarkOffsets(low: low, high: high)
    }

    /// Earliest offset whose timestamp is >= the given timestamp (in `offset`), per partition.
    func offsetsForTimes(_ query: [TopicPartitionOffset], timeout: Duration) throws(KafkaError) -> [TopicPartitionOffset] {
        try PartitionList.withNativeList(query) { list throws(KafkaError) in
            let err = rd_kafka_offsets_for_times(rk, list, timeout.kafkaMilliseconds)
            try KafkaError.check(err, "offsets-for-times failed")
            return PartitionList.read(list)
        }
    }
}
