import FastBERT
import Foundation
import Kafka
import Logging

/// The exit in force for the next micro-batch, read by the inference thread. Fixed for `--speed`
/// and calibrated policies; with adaptive speed it follows the `SpeedController`, fed by the
/// worker (queue wait) and the lag monitor (lag). Every change is logged and set on `fastbert_speed`.
final class ExitControl: Sendable {
    /// Per-record override: a value in [0, 1] runs that record at that speed (0: full depth).
    static let speedHeader = "fastbert-speed"

    private let rule: ExitRule
    private let numLayers: Int
    private let controller: Locked<SpeedController>?
    private let metrics: PipelineMetrics
    private let logger: Logger

    init(rule: ExitRule, numLayers: Int, metrics: PipelineMetrics, logger: Logger) {
        self.rule = rule
        self.numLayers = numLayers
        self.metrics = metrics
        self.logger = logger
        switch rule {
        case .speed(let speed):
            controller = nil
            metrics.speed.record(Double(speed))
        case .adaptive(let adaptive):
            controller = Locked(SpeedController(adaptive, nowNanos: MonotonicTime.now()))
            metrics.speed.record(Double(adaptive.baseSpeed))
        case .calibrated:
            // No single speed describes per-layer thresholds; -1 tells dashboards so.
            controller = nil
            metrics.speed.record(-1)
        }
    }

    /// The exit for records without a speed header.
    var current: AppliedExit {
        switch rule {
        case .speed(let speed):
            return .speed(speed, source: .speed, layers: numLayers)
        case .adaptive:
            return .speed(controller?.current.speed ?? 0, source: .adaptive, layers: numLayers)
        case .calibrated(let policy):
            return AppliedExit(source: .calibrated, speed: nil, policy: policy)
        }
    }

    /// The exit for a record carrying `fastbert-speed: S`.
    func forHeader(speed: Float) -> AppliedExit { .speed(speed, source: .header, layers: numLayers) }

    /// The oldest record of a batch waited `waitNanos` in the queue.
    func observe(waitNanos: UInt64) {
        guard let controller else { return }
        let now = MonotonicTime.now()
        changed(controller.withLock { $0.observe(waitNanos: waitNanos, nowNanos: now) }, cause: "queue wait \(waitNanos / 1_000_000) ms")
    }

    /// Total consumer lag over the assigned partitions.
    func observe(lag: Int64) {
        guard let controller else { return }
        let now = MonotonicTime.now()
        changed(controller.withLock { $0.observe(lag: lag, nowNanos: now) }, cause: "lag \(lag)")
    }

    private func changed(_ speed: Float?, cause: String) {
        guard let speed else { return }
        metrics.speed.record(Double(speed))
        logger.info("adaptive speed now \(speed)", metadata: ["cause": "\(cause)"])
    }

    /// Parses a `fastbert-speed` header value; nil when absent.
    static func headerSpeed(_ message: KafkaMessage) -> Result<Float, InputRejection>? {
        guard let header = message.header(speedHeader) else { return nil }
        let text = header.value.flatMap { String(bytes: $0, encoding: .utf8) } ?? ""
        guard let speed = Float(text.trimmingCharacters(in: .whitespaces)), (0...1).contains(speed) else {
            return .failure(InputRejection(.invalidHeader, "\(speedHeader) header '\(text.prefix(40))' is not a number in [0, 1]"))
        }
        return .success(speed)
    }
}
