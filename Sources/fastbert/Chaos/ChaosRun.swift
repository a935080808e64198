import Foundation
import Kafka
import Logging
import Pipeline

/// The moving parts of one chaos run: the members, the producer, the commit sampler and the
/// fault schedule. Everything but the producer and the sampler runs on the calling thread.
final class ChaosRun: @unchecked Sendable {
    struct Figures: Sendable {
        var acknowledged: [DeliveryAudit.Acknowledged] = []
        var kills = 0
        var outages = 0
        var injected = 0
        var samples: [DeliveryAudit.CommitSample] = []
        var redoPoints: [[Int32: Int64]] = []
        var exitStatuses: [Int32?] = []
        var finalCommitGaps: [String] = []
        var seconds = 0.0
    }

    private let cluster: MockCluster
    private let topics: ChaosTopics
    private let serveArguments: [String]
    private let logFolder: String
    private let memberCount: Int
    private var rng: ChaosRandom
    private var members: [ChaosMember?] = []
    private var figures = Figures()
    private let samples = Locked<[DeliveryAudit.CommitSample]>([])
    private let commits: KafkaConsumer

    init(cluster: MockCluster, topics: ChaosTopics, serveArguments: [String], logFolder: String, members: Int, seed: UInt64) throws {
        self.cluster = cluster
        self.topics = topics
        self.serveArguments = Array(serveArguments.prefix(1)) + ["--brokers", cluster.bootstrapServers] + serveArguments.dropFirst()
        self.logFolder = logFolder
        memberCount = members
        rng = ChaosRandom(seed: seed &+ 7)
        commits = try topics.commitReader()
    }

    func execute(messages: Int, produceSeconds: Double, faults: ChaosFaults, settle: Duration) throws -> Figures {
        let start = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - start) / .seconds(1) }
        let stop = Locked(false)
        let sampler = try topics.commitReader()
        let samplerDone = DispatchSemaphore(value: 0)
        Thread { [samples, topics] in
            while !stop.current {
                if let committed = topics.committed(using: sampler) {
                    samples.withLock { $0.append(.init(timeMs: Self.nowMs(), committed: committed)) }
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
            samplerDone.signal()
        }.start()
        for number in 0..<memberCount { members.append(try spawn(number)) }

        let acknowledged = Locked<[DeliveryAudit.Acknowledged]>([])
        let producerDone = DispatchSemaphore(value: 0)
        let quiet = Logger(label: "chaos.producer", factory: { _ in SwiftLogNoOpLogHandler() })
        // Not idempotent: with idempotence, librdkafka 2.0.2 against its own mock reported some
        // messages delivered (no error, offset -1) that the topic never got (docs/reliability.md,
        // "Chaos run"). Plain retries can only duplicate an input, which the audit handles.
        let config = cluster.clientConfig([("linger.ms", "5"), ("enable.idempotence", "false")])
        let producer = try KafkaProducer(config: config, logger: quiet) { report in
            if report.error == nil {
                acknowledged.withLock { $0.append(.init(partition: report.partition, offset: report.offset)) }
            }
        }
        Thread { [topics] in
            let begin = Date()
            for i in 0..<messages {
                let wait = begin.addingTimeInterval(produceSeconds * Double(i) / Double(messages)).timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                while (try? producer.send(topic: topics.input, key: "chaos-\(i)", value: ChaosModel.sentence(i))) == nil {
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            try? producer.flush(timeout: .seconds(300))
            producerDone.signal()
        }.start()

        // Faults, with restarts and broker recoveries as follow-up events.
        var pending: [(at: Double, action: () throws -> Void)] = faults.schedule.map { event in
            (event.at, { try self.apply(event.fault, at: event.at) })
        }
        while !pending.isEmpty || !followUps.isEmpty {
            let next = (pending + followUps).map(\.at).min() ?? 0
            if next > elapsed() { Thread.sleep(forTimeInterval: min(0.05, next - elapsed())); continue }
            if let i = followUps.firstIndex(where: { $0.at <= elapsed() }) {
                try followUps.remove(at: i).action()
            } else if let i = pending.firstIndex(where: { $0.at <= elapsed() }) {
                try pending.remove(at: i).action()
            }
        }
        producerDone.wait()
        figures.acknowledged = acknowledged.current
        try waitUntilCommittedToEnd(timeout: settle)

        // Stop every member (a membership change: redo point), then the final commit check.
        addRedoPoint()
        members.compactMap { $0 }.forEach { $0.terminate() }
        figures.exitStatuses = members.map { $0?.waitForExit(timeout: .seconds(45)) ?? nil }
        stop.set(true)
        samplerDone.wait()
        let ends = try topics.highWatermarks(topics.input)
        let committed = topics.committed(using: commits) ?? [:]
        figures.finalCommitGaps = ends.sorted { $0.key < $1.key }.compactMap { p, end in
            committed[p, default: 0] == end ? nil : "partition \(p) committed \(committed[p, default: 0]) of \(end)"
        }
        figures.samples = samples.current
        figures.seconds = elapsed()
        try? producer.close(timeout: .seconds(10))
        try? commits.close()
        try? sampler.close()
        return figures
    }

    private var followUps: [(at: Double, action: () throws -> Void)] = []

    /// Applies one fault; its recovery (restart, broker up) becomes a follow-up event.
    private func apply(_ fault: ChaosFaults.Fault, at: Double) throws {
        switch fault {
        case .kill:
            let live = members.indices.filter { members[$0]?.isRunning == true }
            guard !live.isEmpty else { return }
            let index = live[rng.below(live.count)]
            // The killed member's uncommitted window, and the rebalance when its session expires.
            addRedoPoint()
            addRedoPoint()
            members[index]?.kill9()
            members[index] = nil
            figures.kills += 1
            followUps.append((at + 1, { [self] in members[index] = try spawn(index) }))
        case .outage(let broker, let seconds):
            try cluster.setBrokerDown(broker)
            figures.outages += 1
            followUps.append((at + seconds, { [cluster] in try cluster.setBrokerUp(broker) }))
        case .inject(let api, let codes):
            try cluster.pushRequestErrors(apiKey: api, errors: codes)
            figures.injected += codes.count
        }
    }

    /// Starts member `number` (joining the group: a redo point).
    private func spawn(_ number: Int) throws -> ChaosMember {
        addRedoPoint()
        return try ChaosMember(number: number, arguments: serveArguments, log: "\(logFolder)/member-\(number + 1).log")
    }

    /// The committed offsets now, as the start of a window that may be processed again.
    private func addRedoPoint() {
        var committed: [Int32: Int64]?
        for _ in 0..<5 where committed == nil { committed = topics.committed(using: commits) }
        // Unknown (coordinator unreachable): the last sample, which can only be lower.
        figures.redoPoints.append(committed ?? samples.current.last?.committed ?? [:])
    }

    private func waitUntilCommittedToEnd(timeout: Duration) throws {
        let ends = try topics.highWatermarks(topics.input)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let committed = topics.committed(using: commits), ends.allSatisfy({ committed[$0.key, default: 0] >= $0.value }) { return }
            Thread.sleep(forTimeInterval: 0.25)
        }
        print("chaos: not everything committed after the settle time")
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
