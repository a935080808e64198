import Foundation
import Kafka
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The files in deploy/ run what they claim: the systemd unit's command line, with its env file,
/// starts a serve member that classifies and drains on SIGTERM; the Kubernetes Deployment passes
/// the same flags; both give SIGTERM more time than --shutdown-timeout.
final class DeployFilesTests: XCTestCase {
    func testSystemdUnitServesAndDrainsOnSIGTERM() async throws {
        let unit = try DeployFile.systemdUnit()
        let count = 200
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 1, partitions: 2, count: count)
        try cluster.createTopic("dead", partitions: 1)
        // The unit's command line, pointed at the mock cluster, the test model and a free port.
        var args = unit.serveArguments.replacingValues([
            "--brokers": cluster.bootstrapServers, "--input-topic": "in", "--output-topic": "out",
            "--dlq-topic": "dead", "--model": TestModel.directory, "--metrics-port": "0",
            "--metrics-host": "127.0.0.1", "--threads": "1",
        ])
        for (k, v) in KafkaTestSupport.groupProperties { args += ["--kafka", "\(k)=\(v)"] }

        let serve = try ChildProcess(args)
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: count, timeout: .seconds(60))
        XCTAssertEqual(Set(outputs.compactMap(\.keyString)).count, count)
        let line = try await serve.waitForStderr(containing: "metrics: http://127.0.0.1:")
        let port = try XCTUnwrap(Int(line.split(separator: ":").last?.split(separator: "/").first ?? ""))
        let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/readyz")!)
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200)

        serve.signal(SIGTERM)
        let status = await serve.wait(timeout: .seconds(unit.shutdownTimeout))
        XCTAssertEqual(status, 0, "SIGTERM: drain, commit, exit 0; stderr: \(serve.stderr.suffix(1500))")
        try KafkaTestSupport.assertCommittedToEnd(cluster, group: unit.values["--group"] ?? "", partitions: 2)
        XCTAssertGreaterThan(unit.stopTimeout, unit.shutdownTimeout, "TimeoutStopSec must exceed --shutdown-timeout")
    }

    func testKubernetesDeploymentPassesTheUnitsFlags() throws {
        let unit = try DeployFile.systemdUnit()
        let pod = try DeployFile.kubernetesDeployment()
        XCTAssertEqual(pod.serveArguments.first, "serve")
        XCTAssertEqual(Set(pod.values.keys), Set(unit.values.keys))
        XCTAssertEqual(pod.values["--model"], unit.values["--model"])
        XCTAssertEqual(pod.shutdownTimeout, unit.shutdownTimeout)
        XCTAssertGreaterThan(pod.stopTimeout, pod.shutdownTimeout, "terminationGracePeriodSeconds must exceed --shutdown-timeout")
        XCTAssertEqual(pod.values["--metrics-port"], pod.containerPort, "probes and scraping use the metrics port")
    }

    /// The metrics port is never bound to every interface: loopback under systemd, the pod's own
    /// address (downward API) in Kubernetes.
    func testMetricsPortIsNotBoundToAllInterfaces() throws {
        XCTAssertEqual(try DeployFile.systemdUnit().values["--metrics-host"], "127.0.0.1")
        XCTAssertEqual(try DeployFile.kubernetesDeployment().values["--metrics-host"], "<fieldRef status.podIP>")
    }
}

/// A serve command line read from one of the deploy files, with its variables expanded.
struct DeployFile {
    var serveArguments: [String]
    /// Seconds the service manager waits after SIGTERM before killing.
    var stopTimeout: Int
    var containerPort: String? = nil

    /// `--flag=value` arguments by flag.
    var values: [String: String] {
        Dictionary(serveArguments.compactMap { arg in
            guard arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") else { return nil }
            return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
        }, uniquingKeysWith: { _, last in last })
    }

    var shutdownTimeout: Int { Int(values["--shutdown-timeout"] ?? "") ?? 30 }

    private static let directory = PackageRoot.url.appendingPathComponent("deploy")

    private static func read(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    /// deploy/systemd: ExecStart with ${VAR} taken from the env file.
    static func systemdUnit() throws -> DeployFile {
        var env: [String: String] = [:]
        for line in try read("systemd/fastbert-serve.env").split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            env[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        let unit = try read("systemd/fastbert-serve.service").split(separator: "\n")
        func setting(_ key: String) throws -> String {
            guard let line = unit.first(where: { $0.hasPrefix(key + "=") }) else { throw HarnessError("unit has no \(key)") }
            return String(line.dropFirst(key.count + 1))
        }
        var words = try setting("ExecStart").split(separator: " ").map { try expand(String($0), env, open: "${", close: "}") }
        XCTAssertEqual(words.removeFirst(), "/usr/local/bin/fastbert")
        return DeployFile(serveArguments: words, stopTimeout: Int(try setting("TimeoutStopSec")) ?? 0)
    }

    /// deploy/kubernetes: the container's args, with $(VAR) taken from the ConfigMap's data.
    static func kubernetesDeployment() throws -> DeployFile {
        let lines = try read("kubernetes/fastbert-serve.yaml").split(separator: "\n").map(String.init)
        func unquote(_ s: Substring) -> String { s.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        var env: [String: String] = [:]
        if let data = lines.firstIndex(of: "data:") {
            for line in lines[(data + 1)...] {
                guard line.hasPrefix("  "), let colon = line.firstIndex(of: ":") else { break }
                env[line[..<colon].trimmingCharacters(in: .whitespaces)] = unquote(line[line.index(after: colon)...])
            }
        }
        // Variables from the downward API (`valueFrom: fieldRef`) stand for `<fieldRef PATH>`.
        for (index, line) in lines.enumerated() where line.trimmingCharacters(in: .whitespaces).hasPrefix("- name: ") {
            let name = line.trimmingCharacters(in: .whitespaces).dropFirst("- name: ".count)
            if let ref = lines[(index + 1)..<min(index + 4, lines.count)].first(where: { $0.contains("fieldPath:") }),
               let path = ref.split(separator: "fieldPath:").last?.split(separator: "}").first {
                env[String(name)] = "<fieldRef \(path.trimmingCharacters(in: .whitespaces))>"
            }
        }
        guard let argsLine = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "args:" }) else {
            throw HarnessError("no args: in the Deployment")
        }
        var args: [String] = []
        for line in lines[(argsLine + 1)...] {
            let item = line.trimmingCharacters(in: .whitespaces)
            guard item.hasPrefix("- ") else { break }
            args.append(try expand(unquote(item.dropFirst(2)), env, open: "$(", close: ")"))
        }
        func number(after key: String) -> String? {
            lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key) }?
                .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return DeployFile(serveArguments: args, stopTimeout: Int(number(after: "terminationGracePeriodSeconds:") ?? "") ?? 0,
                          containerPort: number(after: "containerPort:"))
    }

    private static func expand(_ word: String, _ env: [String: String], open: String, close: String) throws -> String {
        var result = word
        while let start = result.range(of: open), let end = result.range(of: close, range: start.upperBound..<result.endIndex) {
            let name = String(result[start.upperBound..<end.lowerBound])
            guard let value = env[name] else { throw HarnessError("\(name) is used but not defined") }
            result.replaceSubrange(start.lowerBound..<end.upperBound, with: value)
        }
        return result
    }
}

extension [String] {
    /// Replaces the value of each `--flag=value` whose flag is in `values`.
    func replacingValues(_ values: [String: String]) -> [String] {
        map { arg in
            guard let eq = arg.firstIndex(of: "="), let value = values[String(arg[..<eq])] else { return arg }
            return String(arg[...eq]) + value
        }
    }
}
