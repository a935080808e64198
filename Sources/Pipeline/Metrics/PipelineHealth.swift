import Kafka

/// Liveness and readiness for /healthz and /readyz. Thread-safe.
public final class PipelineHealth: Sendable {
    public enum State: String, Sendable {
        case starting, ready, draining, stopped, failed
    }

    private struct Status: Sendable {
        var state = State.starting
        var stalls: [TopicPartition: String] = [:]
        var onReadiness: (@Sendable (Bool) -> Void)?

        var isReady: Bool { state == .ready && stalls.isEmpty }
    }

    /// One lock for state, stalls and the observer, so the observer sees readiness changes in order.
    private let status = Locked(Status())

    public init() {}

    public var current: State { status.current.state }

    /// Alive unless the pipeline failed (a stalled partition does not make it unhealthy: a
    /// restart would not fix a missing topic).
    public var isHealthy: Bool { current != .failed }

    /// Ready once the model is loaded and the consumer joined its group (or got its
    /// partitions), and while no partition is stalled.
    public var isReady: Bool { status.current.isReady }

    /// Stalled partitions and why (see `StallMonitor`).
    public var stalledPartitions: [TopicPartition: String] { status.current.stalls }

    /// The state, then one line per stalled partition (the endpoints' body).
    public var summary: String {
        let now = status.current
        let lines = now.stalls.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
            .map { "stalled \($0.key): \($0.value)" }
        return ([now.state.rawValue] + lines).joined(separator: "\n")
    }

    /// Calls `observer` with the readiness now and after every change of state or stalls (under
    /// the health's lock: keep it short).
    func observeReadiness(_ observer: @escaping @Sendable (Bool) -> Void) {
        status.withLock { s in
            s.onReadiness = observer
            observer(s.isReady)
        }
    }

    func set(_ newState: State) {
        update { s in
            // failed and stopped are final.
            if s.state == .failed || s.state == .stopped { return }
            s.state = newState
        }
    }

    func setStalled(_ stalled: [TopicPartition: String]) { update { $0.stalls = stalled } }

    private func update(_ change: (inout Status) -> Void) {
        status.withLock { s in
            let wasReady = s.isReady
            change(&s)
            if s.isReady != wasReady { s.onReadiness?(s.isReady) }
        }
    }
}
