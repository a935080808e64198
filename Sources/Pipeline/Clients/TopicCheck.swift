import Kafka

/// Startup checks of the topics a pipeline reads and writes: each must exist and be usable, or
/// the pipeline refuses to start with an error naming the topic and the broker's answer.
enum TopicCheck {
    /// The partition count of `topic`, or `.invalidConfiguration` naming its `role` ("input",
    /// "output", "dead-letter") when the cluster says it is missing or not usable.
    static func partitionCount(of topic: String, role: String, admin: KafkaAdmin) throws(PipelineError) -> Int32 {
        let metadata: TopicMetadata
        do {
            metadata = try admin.metadata(topic: topic, timeout: .seconds(10))
        } catch {
            throw .invalidConfiguration("cannot check the \(role) topic '\(topic)': \(error)")
        }
        if let error = metadata.error {
            switch error.code {
            case .unknownTopicOrPartition, .unknownTopic:
                throw .invalidConfiguration("the \(role) topic '\(topic)' does not exist (\(error.name))")
            case .topicAuthorizationFailed:
                throw .invalidConfiguration("the \(role) topic '\(topic)' is not authorized for this client (\(error.name))")
            default:
                throw .invalidConfiguration("the \(role) topic '\(topic)' is not usable: \(error.name) (\(error.message))")
            }
        }
        guard metadata.partitionCount > 0 else {
            throw .invalidConfiguration("the \(role) topic '\(topic)' does not exist (no partitions)")
        }
        return Int32(metadata.partitionCount)
    }
}

extension OutputRouting {
    /// This routing after checking its topics, with their partition counts (for the placement
    /// of null-keyed outputs).
    func checked(with admin: KafkaAdmin) throws(PipelineError) -> OutputRouting {
        var routing = self
        routing.outputPartitions = try TopicCheck.partitionCount(of: outputTopic, role: "output", admin: admin)
        if let deadLetterTopic {
            routing.deadLetterPartitions = try TopicCheck.partitionCount(of: deadLetterTopic, role: "dead-letter", admin: admin)
        }
        return routing
    }
}
