import ArgumentParser
import Foundation
import Jobs
import Kafka
import Logging
import Pipeline

/// `fastbert chaos`: at-least-once under faults. A producer writes N keyed messages to a mock
/// cluster while `fastbert serve` members (child processes of this binary) are SIGKILLed at
/// random moments and restarted, brokers are taken down and up, and request errors are
/// injected; then the members are stopped with SIGTERM and `DeliveryAudit` checks the output
/// topic against the input. Prints its figures on the last line; exit status 1 if a check fails.
struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Chaos run of serve (kill -9, broker outages, injected errors) on a mock cluster, audited for loss (scripts/chaos).")

    @Option(help: "Messages the producer writes.")
    var messages: Int = 2000

    @Option(help: "Seconds over which they are written (the faults fall in this window).")
    var produceSeconds: Double = 20

    @Option(help: "serve members (child processes) in the group.")
    var members: Int = 2

    @Option(help: "SIGKILLs of a random member (each restarted a second later).")
    var kills: Int = 4

    @Option(help: "Broker outages (one random broker down for 1-3 s).")
    var outages: Int = 2

    @Option(help: "Bursts of three injected request errors (Produce, Fetch or OffsetCommit).")
    var injections: Int = 3

    @Option(help: "Partitions of the input and output topics.")
    var partitions: Int32 = 4

    @Option(help: "Model folder (default: a tiny random model written for the run).")
    var model: String?

    @Option(help: "Early-exit speed of serve and of the direct reference.")
    var speed: Float = 0.3

    @Option(help: "Seed of the fault schedule and the random model.")
    var seed: UInt64 = 1

    @Option(help: "Folder for the members' logs (default: a new temporary folder).")
    var workDir: String?

    @Option(help: "Seconds to wait, after the last fault, for every input to be answered.")
    var settleSeconds: Double = 120

    func validate() throws {
        guard messages > 0, members > 0, partitions > 0, produceSeconds > 0 else {
            throw ValidationError("--messages, --members, --partitions and --produce-seconds must be positive")
        }
        guard kills >= 0, outages >= 0, injections >= 0 else { throw ValidationError("fault counts must not be negative") }
    }

    func run() throws {
        let dir = workDir ?? NSTemporaryDirectory() + "fastbert-chaos-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let modelDirectory = model ?? dir + "/model"
        if model == nil { try ChaosModel.write(to: modelDirectory, seed: seed) }
        print("chaos: work folder \(dir), model \(modelDirectory)")

        let cluster = try MockCluster(brokers: 3, logger: Logger(label: "chaos.mock", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { cluster.close() }
        try cluster.createTopic("chaos.in", partitions: partitions)
        try cluster.createTopic("chaos.out", partitions: partitions)
        let topics = ChaosTopics(bootstrap: cluster.bootstrapServers, input: "chaos.in", output: "chaos.out", group: "chaos",
                                 partitions: partitions)
        let faults = ChaosFaults(kills: kills, outages: outages, injections: injections, brokers: 3,
                                 window: produceSeconds, seed: seed)
        let run = try ChaosRun(cluster: cluster, topics: topics, serveArguments: serveArguments(modelDirectory), logFolder: dir,
                           members: members, seed: seed)
        let figures = try run.execute(messages: messages, produceSeconds: produceSeconds, faults: faults,
                                      settle: .seconds(settleSeconds))

        let report = try audit(topics: topics, modelDirectory: modelDirectory, run: figures)
        let failures = printFindings(report, figures)
        print("chaos: messages \(report.messages), kills \(figures.kills), outages \(figures.outages), injected \(figures.injected), "
              + "lost \(report.lost.count), duplicates \(report.duplicates)")
        if failures > 0 { throw ExitCode.failure }
    }

    private func serveArguments(_ modelDirectory: String) -> [String] {
        ["serve", "--input-topic", "chaos.in", "--output-topic", "chaos.out", "--group", "chaos", "--model", modelDirectory,
         "--speed", String(speed), "--max-batch", "16", "--max-wait-ms", "10", "--commit-interval-ms", "200",
         "--threads", "1", "--log-level", "warning", "--shutdown-timeout", "30",
         "--kafka", "consumer.session.timeout.ms=6000", "--kafka", "consumer.fetch.wait.max.ms=10"]
    }

    /// The input topic classified directly by the engine, then the audit.
    private func audit(topics: ChaosTopics, modelDirectory: String, run: ChaosRun.Figures) throws -> DeliveryAudit.Report {
        let inputs = try topics.readAll(topics.input)
        let classifier = try TextClassifier(bundle: try ModelBundle.load(directory: modelDirectory, threads: 2))
        var audited: [DeliveryAudit.Input] = []
        for start in stride(from: 0, to: inputs.count, by: 64) {
            let chunk = Array(inputs[start..<min(start + 64, inputs.count)])
            let texts = chunk.map { String(decoding: $0.value ?? [], as: UTF8.self) }
            for (m, p) in zip(chunk, try classifier.classify(texts, speed: speed)) {
                audited.append(DeliveryAudit.Input(partition: m.partition, offset: m.offset,
                                                   expected: .init(label: classifier.labels[p.label], exitLayer: p.exitLayer)))
            }
        }
        let outputs = try topics.readAll(topics.output)
        return DeliveryAudit.run(acknowledged: run.acknowledged, inputs: audited, outputs: outputs.compactMap(ChaosTopics.output),
                                 samples: run.samples, redoPoints: run.redoPoints)
    }

    /// Prints what failed (at most a few examples each); returns the number of failed checks.
    private func printFindings(_ report: DeliveryAudit.Report, _ figures: ChaosRun.Figures) -> Int {
        var failed = 0
        func check(_ name: String, _ problems: [String]) {
            print("chaos: \(problems.isEmpty ? "ok  " : "FAIL") \(name)\(problems.isEmpty ? "" : " (\(problems.count)): " + problems.prefix(5).joined(separator: "; "))")
            if !problems.isEmpty { failed += 1 }
        }
        print("chaos: \(report.acknowledged) acknowledged to the producer, \(report.messages) in the input topic, \(report.outputs) outputs, \(figures.samples.count) commit samples, "
              + "\(figures.redoPoints.count) redo points, \(String(format: "%.1f", figures.seconds)) s")
        check("every acknowledged input is in the input topic", report.missingInputs)
        check("every input answered (lost = 0)", report.lost)
        check("outputs equal the engine's direct results", report.mismatches)
        check("duplicates only from uncommitted windows", report.unexplainedDuplicates)
        check("commits never pass an unanswered input", report.commitViolations)
        check("members exit 0 on SIGTERM", figures.exitStatuses.enumerated().compactMap { i, s in s == 0 ? nil : "member \(i + 1): \(s.map(String.init) ?? "hung")" })
        check("committed to the end", figures.finalCommitGaps)
        return failed
    }
}
