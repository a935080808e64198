import FastBERT
import Metrics

/// Wall clock per encoder layer and per classifier, from the engine's counters, so an operator
/// sees where inference time goes, not only how many samples exit where.
struct LayerTimeMetrics: Sendable {
    private let layers: [FloatingPointCounter]
    private let classifiers: [FloatingPointCounter]

    init(numLayers: Int, factory: any MetricsFactory) {
        layers = (1...max(1, numLayers)).map {
            FloatingPointCounter(label: "fastbert_layer_seconds_total", dimensions: [("layer", String($0))], factory: factory)
        }
        classifiers = (1...max(1, numLayers)).map {
            FloatingPointCounter(label: "fastbert_classifier_seconds_total", dimensions: [("layer", String($0))], factory: factory)
        }
    }

    /// Adds one batch's work (`EngineCounters.since`).
    func record(_ work: EngineCounters) {
        for (counter, nanos) in zip(layers, work.encoderNanos) where nanos > 0 { counter.increment(by: Double(nanos) / 1e9) }
        for (counter, nanos) in zip(classifiers, work.classifierNanos) where nanos > 0 { counter.increment(by: Double(nanos) / 1e9) }
    }
}
