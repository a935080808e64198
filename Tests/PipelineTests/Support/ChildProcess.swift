import Foundation

/// A `fastbert` subcommand run as a child process (for kill -9, signals and multi-process
/// tests). Output goes to files in a temporary folder.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    /// The built `fastbert` next to the test bundle (override with FASTBERT_BIN).
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["FASTBERT_BIN"] { return override }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ]
        for dir in candidates {
            let path = dir.appendingPathComponent("fastbert").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return candidates[0].appendingPathComponent("fastbert").path
    }

    /// `environment` entries are added to this process's environment; `directory` is the
    /// child's working directory (this process's by default).
    init(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws {
        let dir = NSTemporaryDirectory() + "fastbert-child-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        stdoutPath = dir + "/stdout"
        stderrPath = dir + "/stderr"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("fastbert binary not found at \(binary); build it first (swift build)")
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for exit; returns the status, or nil on timeout.
    func wait(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Waits until stdout contains a line starting with `prefix`; returns the rest of that line.
    func waitForLine(prefix: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("no '\(prefix)' line; stderr: \(stderr.suffix(2000))")
    }

    deinit {
        if process.isRunning { kill9() }
    }
}

/// Arguments for a `fastbert serve` child against the test model.
func serveArguments(
    bootstrap: String, input: String, output: String, group: String, dlq: String? = nil, speed: Float = 0.3,
    extra: [String] = []
) -> [String] {
    var args = [
        "serve", "--brokers", bootstrap, "--input-topic", input, "--output-topic", output, "--group", group,
        "--model", TestModel.directory, "--speed", String(speed), "--max-batch", "32", "--max-wait-ms", "10",
        "--commit-interval-ms", "200", "--log-level", "warning", "--threads", "1",
    ]
    for (k, v) in KafkaTestSupport.groupProperties { args += ["--kafka", "\(k)=\(v)"] }
    if let dlq { args += ["--dlq-topic", dlq] }
    return args + extra
}
