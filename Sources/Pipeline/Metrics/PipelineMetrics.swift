import Kafka
import Metrics
import Prometheus

/// The pipeline's metrics (swift-metrics handles backed by a private Prometheus registry, so
/// several pipelines can live in one process, e.g. in tests). Names follow Prometheus style.
public final class PipelineMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    let messagesIn: Metrics.Counter
    let messagesOut: Metrics.Counter
    let produceRetries: Metrics.Counter
    let consumerErrors: Metrics.Counter
    let commits: Metrics.Counter
    let commitFailures: Metrics.Counter
    let batchSize: Metrics.Recorder
    let queueWait: Metrics.Timer
    let inference: Metrics.Timer
    let endToEnd: Metrics.Timer
    let speed: Metrics.Gauge
    let inFlight: Meter
    let inFlightBytes: Metrics.Gauge
    let possibleDuplicates: Metrics.Counter
    let pausedPartitions: Metrics.Gauge
    let stalledPartitions: Metrics.Gauge
    /// 1 while /readyz answers 200 (fed by `PipelineHealth.observeReadiness`).
    let ready: Metrics.Gauge
    let layerTime: LayerTimeMetrics
    private let produceErrors: [ProduceFailure: Metrics.Counter]
    private let unreadableRecords: [UnreadableRecordAction: Metrics.Counter]
    private let exits: [Metrics.Counter]
    /// Sum of the 1-based exit layers: mean exit depth = rate(this) / rate(fastbert_exits_total).
    private let exitLayers: Metrics.Counter
    private let deadLetters: [DeadLetterReason: Metrics.Counter]

    public init(numLayers: Int, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        let latencyBuckets: [Duration] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        factory.defaultDurationHistogramBuckets = latencyBuckets
        factory.valueHistogramBuckets["fastbert_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        self.factory = factory

        messagesIn = Metrics.Counter(label: "fastbert_messages_in_total", factory: factory)
        messagesOut = Metrics.Counter(label: "fastbert_messages_out_total", factory: factory)
        produceRetries = Metrics.Counter(label: "fastbert_produce_retries_total", factory: factory)
        consumerErrors = Metrics.Counter(label: "fastbert_consumer_errors_total", factory: factory)
        commits = Metrics.Counter(label: "fastbert_commits_total", factory: factory)
        commitFailures = Metrics.Counter(label: "fastbert_commit_failures_total", factory: factory)
        batchSize = Metrics.Recorder(label: "fastbert_batch_size", aggregate: true, factory: factory)
        queueWait = Metrics.Timer(label: "fastbert_queue_wait_seconds", factory: factory)
        inference = Metrics.Timer(label: "fastbert_inference_seconds", factory: factory)
        endToEnd = Metrics.Timer(label: "fastbert_end_to_end_seconds", factory: factory)
        speed = Metrics.Gauge(label: "fastbert_speed", factory: factory)
        inFlight = Meter(label: "fastbert_in_flight_messages", factory: factory)
        inFlightBytes = Metrics.Gauge(label: "fastbert_in_flight_bytes", factory: factory)
        possibleDuplicates = Metrics.Counter(label: "fastbert_possible_duplicates_total", factory: factory)
        pausedPartitions = Metrics.Gauge(label: "fastbert_paused_partitions", factory: factory)
        stalledPartitions = Metrics.Gauge(label: "fastbert_stalled_partitions", factory: factory)
        ready = Metrics.Gauge(label: "fastbert_ready", factory: factory)
        layerTime = LayerTimeMetrics(numLayers: numLayers, factory: factory)
        produceErrors = Dictionary(uniqueKeysWithValues: ProduceFailure.allCases.map {
            ($0, Metrics.Counter(label: "fastbert_produce_errors_total", dimensions: [("class", $0.rawValue)], factory: factory))
        })
        unreadableRecords = Dictionary(uniqueKeysWithValues: UnreadableRecordAction.allCases.map {
            ($0, Metrics.Counter(label: "fastbert_unreadable_records_total", dimensions: [("action", $0.rawValue)], factory: factory))
        })
        inFlightBytes.record(0)
        pausedPartitions.record(0)
        stalledPartitions.record(0)
        ready.record(0)
        exits = (1...max(1, numLayers)).map {
            Metrics.Counter(label: "fastbert_exits_total", dimensions: [("layer", String($0))], factory: factory)
        }
        exitLayers = Metrics.Counter(label: "fastbert_exit_layers_total", factory: factory)
        var deadLetters: [DeadLetterReason: Metrics.Counter] = [:]
        for reason in DeadLetterReason.allCases {
            deadLetters[reason] = Metrics.Counter(label: "fastbert_dead_letters_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.deadLetters = deadLetters
    }

    /// A sample left the network at `layer` (1-based).
    func recordExit(layer: Int) {
        let layer = min(max(layer, 1), exits.count)
        exits[layer - 1].increment()
        exitLayers.increment(by: layer)
    }

    func recordDeadLetter(_ reason: DeadLetterReason) {
        deadLetters[reason]?.increment()
    }

    func recordProduceError(_ failure: ProduceFailure) {
        produceErrors[failure]?.increment()
    }

    func recordUnreadableRecord(_ action: UnreadableRecordAction) {
        unreadableRecords[action]?.increment()
    }

    /// 1 while the partition is stalled (see `StallMonitor`), else 0.
    func recordStalled(_ stalled: Bool, partition: TopicPartition) {
        Metrics.Gauge(label: "fastbert_partition_stalled",
              dimensions: [("topic", partition.topic), ("partition", String(partition.partition))],
              factory: factory).record(stalled ? 1 : 0)
    }

    /// Consumer lag of one partition, as `LagMonitor` defines it.
    func recordLag(_ lag: Int64, partition: TopicPartition) {
        Metrics.Gauge(label: "fastbert_consumer_lag",
              dimensions: [("topic", partition.topic), ("partition", String(partition.partition))],
              factory: factory).record(lag)
    }

    /// The group accepted these commits (next offsets to read); offsets that carry their own
    /// error or are logical (negative) are left out.
    func recordCommitted(_ offsets: [TopicPartitionOffset]) {
        for o in offsets where o.error == nil && o.offset >= 0 {
            Metrics.Gauge(label: "fastbert_committed_offset",
                  dimensions: [("topic", o.topic), ("partition", String(o.partition))],
                  factory: factory).record(o.offset)
        }
    }

    /// Drops the lag and committed-offset series of partitions this member no longer owns, so
    /// that only the owner reports them (a frozen copy would hide a smaller real lag).
    func forgetPartitions(_ partitions: [TopicPartition]) {
        for tp in partitions {
            let dimensions = [("topic", tp.topic), ("partition", String(tp.partition))]
            Metrics.Gauge(label: "fastbert_consumer_lag", dimensions: dimensions, factory: factory).destroy()
            Metrics.Gauge(label: "fastbert_committed_offset", dimensions: dimensions, factory: factory).destroy()
        }
    }

    /// The model serving (`fastbert_model_info{model="..."} 1`), for the status page and dashboards.
    func recordModel(id: String) {
        Metrics.Gauge(label: "fastbert_model_info", dimensions: [("model", id)], factory: factory).record(1)
    }

    /// Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }
}
