import Foundation
import Kafka
import ServiceLifecycle

/// One burst run as a `Service` beside serve: produces the texts at `steadyRate`, then at
/// `burstRate` for the burst, then steady again until every text is out; reads the outputs,
/// samples how many records are behind and the speed in force every half second, and returns
/// once every text is answered (or at `timeout`), which ends the service group.
final class BurstRun: Service, @unchecked Sendable {
    struct Plan: Sendable {
        var steadyRate: Double
        var burstRate: Double
        var burstStart: Double
        var burstSeconds: Double
        var total: Int
        var timeout: Duration
    }

    private struct Answer {
        var correct: Bool
        var exitLayer: Int
    }

    private let config: KafkaConfig, producerConfig: KafkaConfig
    private let input: String, output: String
    private let texts: [String], gold: [String]
    private let plan: Plan
    private let speed: @Sendable () -> Double
    private let matches: @Sendable (_ predicted: String, _ gold: String) -> Bool
    private let produceTimes = Locked<[Double]>([])
    private let answers = Locked<[Int: Answer]>([:])
    private let stopRequested = Locked(false)
    private(set) var timeline: BurstTimeline

    init(label: String, config: KafkaConfig, producerConfig: KafkaConfig, input: String, output: String, texts: [String], gold: [String], plan: Plan,
         speed: @escaping @Sendable () -> Double, matches: @escaping @Sendable (String, String) -> Bool) {
        self.config = config
        self.producerConfig = producerConfig
        self.input = input
        self.output = output
        self.texts = texts
        self.gold = gold
        self.plan = plan
        self.speed = speed
        self.matches = matches
        timeline = BurstTimeline(label: label, burstStart: plan.burstStart, burstEnd: plan.burstStart + plan.burstSeconds)
    }

    func run() async throws {
        try await runBlocking(named: "burst-run", stop: stopRequested) { [self] in try watch() }
    }

    private func watch() throws {
        let started = Date()
        let producer = Thread { [self] in try? produce(started: started) }
        producer.name = "burst-producer"
        producer.start()

        let consumer = try KafkaConsumer(config: config)
        let partitions = try KafkaAdmin(config: config).partitionCount(topic: output)
        try consumer.assign((0..<Int32(partitions)).map { TopicPartitionOffset(topic: output, partition: $0, offset: KafkaOffset.beginning) })
        let deadline = ContinuousClock.now.advanced(by: plan.timeout)
        var nextSample = 0.0
        while !stopRequested.current, answers.current.count < plan.total, ContinuousClock.now < deadline {
            if let message = consumer.poll(timeout: .milliseconds(20)), message.error == nil { record(message) }
            let now = Date().timeIntervalSince(started)
            if now >= nextSample {
                timeline.samples.append(.init(second: now, behind: produceTimes.current.count - answers.current.count, speed: speed()))
                nextSample += 0.5
            }
        }
        stopRequested.set(true)
        try? consumer.close()
        summarize()
    }

    /// Paced in 10 ms slots; keys are the text's index.
    private func produce(started: Date) throws {
        let producer = try KafkaProducer(config: producerConfig) { _ in }
        var sent = 0
        while sent < plan.total, !stopRequested.current {
            let now = Date().timeIntervalSince(started)
            let burstEnd = plan.burstStart + plan.burstSeconds
            // Records due by now: steady before and after the burst, burst rate within it.
            let steadyTime = min(now, plan.burstStart) + max(0, now - burstEnd)
            let burstTime = max(0, min(now, burstEnd) - plan.burstStart)
            let due = min(plan.total, Int(steadyTime * plan.steadyRate + burstTime * plan.burstRate))
            while sent < due {
                try producer.send(topic: input, key: String(sent), value: texts[sent % texts.count])
                produceTimes.withLock { $0.append(Date().timeIntervalSince(started)) }
                sent += 1
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        try producer.close(timeout: .seconds(30))
    }

    private func record(_ message: KafkaMessage) {
        guard let key = message.key.flatMap({ Int(String(decoding: $0, as: UTF8.self)) }),
              let value = message.value,
              let json = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
              let label = json["label"] as? String, let layer = json["exit_layer"] as? Int
        else { return }
        let truth = gold[key % gold.count]
        answers.withLock { $0[key] = Answer(correct: matches(label, truth), exitLayer: layer) }
    }

    private func summarize() {
        let answers = self.answers.current, produced = produceTimes.current
        let all = Array(answers.values)
        timeline.accuracy = all.isEmpty ? 0 : Double(all.filter(\.correct).count) / Double(all.count)
        timeline.meanExitLayer = all.isEmpty ? 0 : Double(all.map(\.exitLayer).reduce(0, +)) / Double(all.count)
        let inBurst = answers.filter { produced.indices.contains($0.key) && (timeline.burstStart..<timeline.burstEnd).contains(produced[$0.key]) }
        timeline.burstAccuracy = inBurst.isEmpty ? 0 : Double(inBurst.values.filter(\.correct).count) / Double(inBurst.count)
        timeline.peakBehind = timeline.samples.map(\.behind).max() ?? 0
        timeline.recoverySeconds = timeline.samples.first { $0.second > timeline.burstEnd && $0.behind <= Int(plan.steadyRate) }
            .map { $0.second - timeline.burstEnd }
        let windowSeconds = 5.0
        let end = produced.last ?? 0
        timeline.windows = stride(from: 0.0, to: end, by: windowSeconds).map { start in
            let keys = produced.indices.filter { (start..<start + windowSeconds).contains(produced[$0]) }
            let known = keys.compactMap { answers[$0] }
            return .init(start: start, accuracy: known.isEmpty ? nil : Double(known.filter(\.correct).count) / Double(known.count),
                         count: known.count)
        }
    }
}
