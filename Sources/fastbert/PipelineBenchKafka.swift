import Foundation
import Kafka

/// Kafka sides of the benchmark: preloading inputs, and a paced latency run.
enum PipelineBenchKafka {
    struct Latency {
        /// Input produced -> output received here.
        var endToEnd: Percentiles
        var count: Int
        /// The part spent inside serve (receipt to output encoded: queue wait and inference),
        /// from each output's processing_latency_ms.
        var inServe: Percentiles
        /// Input produced -> received by serve (input timestamp to output timestamp minus the
        /// time in serve), and output produced by serve -> received here (output timestamp to now).
        var inputLeg: Percentiles
        var outputLeg: Percentiles
    }

    struct Percentiles {
        var p50: Double
        var p99: Double
        var max: Double

        init(_ values: [Double]) {
            let sorted = values.sorted()
            func at(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
            p50 = at(0.5)
            p99 = at(0.99)
            max = sorted.last ?? 0
        }
    }

    static func produce(cluster: MockCluster, topic: String, texts: [String]) throws {
        let producer = try KafkaProducer(config: cluster.clientConfig([("linger.ms", "5")])) { _ in }
        for (i, text) in texts.enumerated() {
            try producer.send(topic: topic, key: "bench-\(i)", value: text)
        }
        try producer.close(timeout: .seconds(60))
    }

    /// Produces `texts` (cycled) at `rate` for `seconds` and measures output receive time - input timestamp.
    static func latencyRun(
        cluster: MockCluster, input: String, output: String, texts: [String], rate: Double, seconds: Double
    ) throws -> Latency {
        let consumer = try KafkaConsumer(config: cluster.clientConfig([("fetch.wait.max.ms", "10")]))
        let admin = try KafkaAdmin(config: cluster.clientConfig())
        let partitions = try admin.partitionCount(topic: output)
        // Start after the throughput run's outputs.
        var starts: [TopicPartitionOffset] = []
        for p in 0..<Int32(partitions) {
            starts.append(TopicPartitionOffset(topic: output, partition: p, offset: try admin.watermarks(topic: output, partition: p).high))
        }
        try consumer.assign(starts)
        defer { try? consumer.close() }
        let total = Int(rate * seconds)
        let producer = try KafkaProducer(config: cluster.clientConfig([("linger.ms", "0")])) { _ in }
        let feeder = Thread {
            let start = Date()
            for i in 0..<total {
                let due = start.addingTimeInterval(Double(i) / rate)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                try? producer.send(topic: input, key: "latency-\(i)", value: texts[i % texts.count])
            }
            try? producer.flush(timeout: .seconds(30))
        }
        feeder.start()
        var latencies: [Double] = [], inServe: [Double] = [], inputLeg: [Double] = [], outputLeg: [Double] = []
        let deadline = Date().addingTimeInterval(seconds + 60)
        while latencies.count < total, Date() < deadline {
            guard let m = consumer.poll(timeout: .milliseconds(100)), m.error == nil, let value = m.value,
                  let json = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                  let sent = json["input_timestamp_ms"] as? Int64 ?? (json["input_timestamp_ms"] as? Int).map(Int64.init)
            else { continue }
            let now = Date().timeIntervalSince1970 * 1000
            latencies.append(now - Double(sent))
            if let processing = json["processing_latency_ms"] as? Double, m.timestampMs > 0 {
                inServe.append(processing)
                inputLeg.append(Double(m.timestampMs) - processing - Double(sent))
                outputLeg.append(now - Double(m.timestampMs))
            }
        }
        return Latency(endToEnd: Percentiles(latencies), count: latencies.count, inServe: Percentiles(inServe),
                       inputLeg: Percentiles(inputLeg), outputLeg: Percentiles(outputLeg))
    }
}
