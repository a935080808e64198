import Kafka

/// Liveness and readiness for /healthz and /readyz. Thread-safe.
public final class PipelineHealth: Sendable {
    public enum State: String, Sendable {
        case starting, ready, draining, stopped, failed
    }

    private let state = Locked(State.starting)
    private let stalls = Locked<[TopicPartition: String]>([:])

    public init() {}

    public var current: State { state.current }

    /// Alive unless the pipeline failed (a stalled partition does not make it unhealthy: a
    /// restart would not fix a missing topic).
    public var isHealthy: Bool { current != .failed }

    /// Ready once the model is loaded and the consumer joined its group (or got its
    /// partitions), and while no partition is stalled.
    public var isReady: Bool { current == .ready && stalls.current.isEmpty }

    /// Stalled partitions and why (see `StallMonitor`).
    public var stalledPartitions: [TopicPartition: String] { stalls.current }

    /// The state, then one line per stalled partition (the endpoints' body).
    public var summary: String {
        let lines = stalls.current.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
            .map { "stalled \($0.key): \($0.value)" }
        return ([current.rawValue] + lines).joined(separator: "\n")
    }

    func set(_ newState: State) {
        state.withLock { s in
            // failed and stopped are final.
            if s == .failed || s == .stopped { return }
            s = newState
        }
    }

    func setStalled(_ stalled: [TopicPartition: String]) { stalls.set(stalled) }
}
