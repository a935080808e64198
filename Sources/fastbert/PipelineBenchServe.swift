import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `fastbert serve` child process for the benchmark, watched through its metrics endpoint.
final class PipelineBenchServe {
    private let process = Process()
    private let stderrPath: String
    private var port: Int?

    init(modelDirectory: String, bootstrap: String, speed: Float, maxBatch: Int, threads: Int, maxPoolWaitMs: Int = 0) throws {
        stderrPath = NSTemporaryDirectory() + "fastbert-bench-serve-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        process.arguments = [
            "serve", "--brokers", bootstrap, "--input-topic", "bench.in", "--output-topic", "bench.out",
            "--group", "bench", "--model", modelDirectory, "--speed", String(speed), "--max-batch", String(maxBatch),
            "--threads", String(threads), "--max-pool-wait-ms", String(maxPoolWaitMs), "--metrics-port", "0", "--log-level", "warning",
            "--kafka", "consumer.session.timeout.ms=6000",
            // librdkafka's mock broker answers an empty fetch only after fetch.wait.max.ms (500 ms by
            // default) instead of as soon as data arrives, as a real broker does.
            "--kafka", "consumer.fetch.wait.max.ms=10",
        ]
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Messages/s from the first consumed input to the last delivered output of `total`.
    func measureThroughput(total: Int) throws -> Double {
        let port = try metricsPort()
        var started: Date?
        let deadline = Date().addingTimeInterval(3600)
        while Date() < deadline {
            let values = metrics(port: port)
            if started == nil, (values["fastbert_messages_in_total"] ?? 0) > 0 { started = Date() }
            if let started, (values["fastbert_messages_out_total"] ?? 0) >= Double(total) {
                return Double(total) / Date().timeIntervalSince(started)
            }
            guard process.isRunning else { throw CommandFailure("serve exited: \(log.suffix(2000))") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CommandFailure("serve did not finish in time")
    }

    /// Peak resident set size (VmHWM) of the serve process.
    func peakRSSKilobytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        return Int(line?.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// SIGTERM and wait (bounded); the exit status, or nil on timeout.
    @discardableResult
    func stop() -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = Date().addingTimeInterval(40)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }

    private var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    private func metricsPort() throws -> Int {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("metrics: http://") }),
               let port = Int(line.split(separator: ":").last?.split(separator: "/").first ?? "") {
                return port
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CommandFailure("serve did not start: \(log.suffix(2000))")
    }

    /// Unlabelled series of the metrics endpoint.
    private func metrics(port: Int) -> [String: Double] {
        guard let data = try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/metrics")!) else { return [:] }
        var values: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }
}
