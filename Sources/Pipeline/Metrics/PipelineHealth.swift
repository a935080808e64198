import Kafka

/// Liveness and readiness for /healthz and /readyz. Thread-safe.
public final class PipelineHealth: Sendable {
    public enum State: String, Sendable {
        case starting, ready, draining, stopped, failed
    }

    private let state = Locked(State.starting)

    public init() {}

    public var current: State { state.current }

    /// Alive unless the pipeline failed.
    public var isHealthy: Bool { current != .failed }

    /// Ready once the model is loaded and the consumer joined its group (or got its partitions).
    public var isReady: Bool { current == .ready }

    func set(_ newState: State) {
        state.withLock { s in
            // failed and stopped are final.
            if s == .failed || s == .stopped { return }
            s = newState
        }
    }
}
