import Kafka

/// Errors that stop a pipeline (bad records never do: they become dead letters).
public enum PipelineError: Error, Sendable, CustomStringConvertible {
    /// A Kafka client could not be created or a required Kafka call failed.
    case kafka(KafkaError)
    /// The model folder could not be loaded.
    case model(directory: String, reason: String)
    /// Options that contradict each other or the cluster (e.g. a missing topic).
    case invalidConfiguration(String)
    /// The producer hit a fatal error (e.g. idempotence fencing); the process must restart.
    case producerFatal(KafkaError)
    /// Shutdown ran out of time with outputs still unacknowledged (they were not committed).
    case shutdownIncomplete(unacknowledged: Int)
    /// A replay could not cover its whole range; the text names the partitions and offsets.
    case replayIncomplete(String)

    public var description: String {
        switch self {
        case .kafka(let error): "Kafka: \(error)"
        case .model(let directory, let reason): "cannot load model '\(directory)': \(reason)"
        case .invalidConfiguration(let message): "invalid configuration: \(message)"
        case .producerFatal(let error): "fatal producer error: \(error)"
        case .shutdownIncomplete(let count): "shutdown timed out with \(count) unacknowledged output(s); their offsets were not committed"
        case .replayIncomplete(let detail): "replay incomplete: \(detail)"
        }
    }
}
