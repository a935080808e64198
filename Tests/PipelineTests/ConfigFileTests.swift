import Foundation
import Kafka
import XCTest

/// `--config FILE`, `FASTBERT_<COMMAND>_<OPTION>` variables and flags, as a user runs them: the
/// built binary. Flags override the environment, which overrides the file; every error names
/// the key and where it came from.
final class ConfigFileTests: XCTestCase {
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try ChildProcess(arguments, environment: environment)
        let status = await child.wait(timeout: .seconds(60))
        return (status, child.stdout, child.stderr)
    }

    func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "fastbert-config-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The value and source `config print` gives `key`.
    func printed(_ output: String, _ key: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(key + ": ") }.map { String($0.dropFirst(key.count + 2)) }
    }

    func testFlagsOverrideTheEnvironmentWhichOverridesTheFile() async throws {
        let config = try file("""
            brokers: kafka:9092
            input-topic: [reviews, tweets]
            output-topic: classified
            speed: 0.2
            max-batch: 16
            max-wait-ms: 50
            skip-unreadable-records: true
            """)
        let result = try await run(["config", "print", "serve", "--config", config, "--max-batch", "8"],
                                   environment: ["FASTBERT_SERVE_SPEED": "0.3", "FASTBERT_SERVE_MAX_BATCH": "4"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(printed(result.stdout, "brokers"), "kafka:9092  # \(config) line 1")
        XCTAssertEqual(printed(result.stdout, "input-topic"), "[reviews, tweets]  # \(config) line 2")
        XCTAssertEqual(printed(result.stdout, "speed"), "0.3  # environment FASTBERT_SERVE_SPEED")
        XCTAssertEqual(printed(result.stdout, "max-batch"), "8  # command line")
        XCTAssertEqual(printed(result.stdout, "max-wait-ms"), "50  # \(config) line 6")
        XCTAssertEqual(printed(result.stdout, "skip-unreadable-records"), "true  # \(config) line 7")
        XCTAssertEqual(printed(result.stdout, "group"), "fastbert  # default")
    }

    func testAnUnknownKeyNamesTheFileAndLine() async throws {
        let config = try file("brokers: b\n\nspeeed: 0.2\n")
        for arguments in [["config", "check", config], ["serve", "--config", config]] {
            let result = try await run(arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains("\(config) line 3: 'speeed' is not an option of `fastbert serve`"), result.stderr)
        }
        let underscored = try file("max_batch: 4\n")
        let result = try await run(["config", "check", underscored])
        XCTAssertTrue(result.stderr.contains("(did you mean 'max-batch'?)"), result.stderr)
    }

    func testAnInvalidValueNamesTheKeyAndLine() async throws {
        let config = try file("brokers: b\ninput-topic: in\noutput-topic: out\nspeed: 2\n")
        let check = try await run(["config", "check", config])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("--speed must be in [0, 1]"), check.stderr)
        XCTAssertTrue(check.stderr.contains("--speed came from \(config) line 4 (key 'speed')"), check.stderr)
        let serve = try await run(["serve", "--config", config])
        XCTAssertEqual(serve.status, 64, "a usage error, before anything starts")
        XCTAssertTrue(serve.stderr.contains("--speed came from \(config) line 4"), serve.stderr)

        let env = try await run(["serve", "--config", config, "--speed", "0.1"], environment: ["FASTBERT_SERVE_MAX_BATCH": "many"])
        XCTAssertEqual(env.status, 64)
        XCTAssertTrue(env.stderr.contains("--max-batch came from environment FASTBERT_SERVE_MAX_BATCH"), env.stderr)
        let list = try await run(["config", "check", try file("speed: [0.1, 0.2]\n")])
        XCTAssertTrue(list.stderr.contains("line 1: 'speed' takes one value, not a list"), list.stderr)
        let yaml = try await run(["config", "check", try file("speed: [0.1\n")])
        XCTAssertTrue(yaml.stderr.contains("not valid YAML"), yaml.stderr)
    }

    func testAnUnknownVariableOfTheCommandIsRefused() async throws {
        let result = try await run(["serve", "--brokers", "b", "--input-topic", "in", "--output-topic", "out"],
                                   environment: ["FASTBERT_SERVE_SPED": "0.2"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("environment variable FASTBERT_SERVE_SPED is not an option of `fastbert serve`"), result.stderr)
    }

    func testSecretsInTheFileAreNeverPrinted() async throws {
        let secret = "s3cr3t-\(UUID().uuidString.prefix(8))"
        let config = try file("""
            brokers: b
            input-topic: in
            output-topic: out
            kafka:
              sasl.password: \(secret)
              security.protocol: SASL_SSL
            speed: 7
            """)
        let printed = try await run(["config", "print", "serve", "--config", config])
        XCTAssertTrue(printed.stdout.contains("sasl.password=***"), printed.stdout)
        let failing = try await run(["serve", "--config", config])
        XCTAssertNotEqual(failing.status, 0)
        for output in [printed.stdout, printed.stderr, failing.stdout, failing.stderr] {
            XCTAssertFalse(output.contains(secret), output)
        }
    }

    /// serve runs from a file plus a variable: the outputs carry the variable's speed.
    func testServeRunsFromAConfigFile() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out"] { try cluster.createTopic(t, partitions: 1) }
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<20).map(TestModel.sentence))
        let config = try file("""
            brokers: \(cluster.bootstrapServers)
            input-topic: in
            output-topic: out
            group: g-config
            model: \(TestModel.directory)
            speed: 0.2
            kafka:
              consumer.session.timeout.ms: 6000
            """)
        let serve = try ChildProcess(["serve", "--config", config], environment: ["FASTBERT_SERVE_SPEED": "0.4"])
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 20)
        serve.signal(SIGTERM)
        _ = await serve.wait(timeout: .seconds(30))
        XCTAssertEqual(outputs.count, 20)
        XCTAssertEqual(Set(outputs.compactMap { $0.json?["speed"] as? Double }.map { ($0 * 100).rounded() }), [40])
    }
}
