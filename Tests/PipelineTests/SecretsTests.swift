import Foundation
import Kafka
@testable import Pipeline
import XCTest

/// Secrets given to `--kafka` (literally, from a file, from the environment, from a
/// `--kafka-file`) never appear in anything serve prints: its log at trace level, its errors,
/// ArgumentParser's usage errors and help.
final class SecretsTests: XCTestCase {
    private let literal = "literal-Secret-4d1f", fromFile = "file-Secret-9a2b", fromEnv = "env-Secret-77c3"
    private let fromPropertiesFile = "props-Secret-0e5d"
    private var secrets: [String] { [literal, fromFile, fromEnv, fromPropertiesFile] }

    private func temporaryFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "fastbert-secret-\(UUID().uuidString)"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func assertNoSecret(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for secret in secrets { XCTAssertFalse(text.contains(secret), "\(what) shows a secret: \(text.suffix(2000))", file: file, line: line) }
    }

    /// The secret-bearing arguments of every form, plus a properties file.
    private func secretArguments() throws -> (args: [String], environment: [String: String]) {
        let valueFile = try temporaryFile(fromFile + "\n")
        let properties = try temporaryFile("# credentials\n\nproducer.ssl.keystore.password = \(fromPropertiesFile)\n")
        return ([
            "--kafka", "sasl.password=\(literal)", "--kafka", "sasl.oauthbearer.config=@\(valueFile)",
            "--kafka", "ssl.key.password=env:FASTBERT_TEST_SECRET", "--kafka-file", properties,
        ], ["FASTBERT_TEST_SECRET": fromEnv])
    }

    func testServeRunNeverPrintsASecret() async throws {
        let count = 60
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 1, partitions: 2, count: count)
        let (secretArgs, environment) = try secretArguments()
        var args = serveArguments(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "secrets")
            + secretArgs + ["--metrics-port", "0"]
        args[args.firstIndex(of: "--log-level")! + 1] = "trace"
        let serve = try ChildProcess(args, environment: environment)
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: count, timeout: .seconds(60))
        XCTAssertEqual(Set(outputs.compactMap(\.keyString)).count, count, "serve runs with the secrets set; stderr: \(serve.stderr.suffix(1500))")
        serve.signal(SIGTERM)
        let status = await serve.wait(timeout: .seconds(40))
        XCTAssertEqual(status, 0)
        XCTAssertGreaterThan(serve.stderr.split(separator: "\n").count, 5, "a trace-level log was written")
        assertNoSecret(serve.stderr, "serve's log")
        assertNoSecret(serve.stdout, "serve's stdout")
    }

    /// A client configuration librdkafka refuses: the error names the key, exit status 1.
    func testConfigurationErrorNamesTheKeyNotTheValue() async throws {
        let pem = "-----BEGIN PRIVATE KEY-----\n\(literal)\n-----END PRIVATE KEY-----"
        let args = serveArguments(bootstrap: "127.0.0.1:1", input: "in", output: "out", group: "g")
            + ["--kafka", "security.protocol=ssl", "--kafka", "ssl.key.pem=\(pem)"]
        let serve = try ChildProcess(args)
        let status = await serve.wait(timeout: .seconds(60))
        XCTAssertEqual(status, 1)
        XCTAssertTrue(serve.stderr.contains("ssl.key.pem"), serve.stderr)
        assertNoSecret(serve.stderr + serve.stdout, "the configuration error")
    }

    /// Usage errors (a mistyped option, a malformed --kafka, an unset variable, a missing file)
    /// and --help: exit status 64 or 0, the key or variable named, no secret shown.
    func testUsageErrorsAndHelpNeverEchoASecret() async throws {
        let base = ["serve", "--brokers", "127.0.0.1:1", "--input-topic", "in", "--output-topic", "out", "--model", TestModel.directory]
        let cases: [(args: [String], status: Int32, shows: String)] = [
            (base + ["--kafak", "sasl.password=\(literal)"], 64, "kafak"),
            (base + ["--kafka", literal], 64, "--kafka argument 1 is not KEY=VALUE"),
            (base + ["--kafka", "=\(literal)"], 64, "--kafka argument 1 has an empty key"),
            (base + ["--kafka", "sasl.password=env:FASTBERT_TEST_UNSET"], 64, "--kafka sasl.password: the environment variable 'FASTBERT_TEST_UNSET' is not set"),
            (base + ["--kafka", "sasl.password=@/nonexistent/secret"], 64, "--kafka sasl.password: cannot read the value file '/nonexistent/secret'"),
            (base + ["--kafka-file", try temporaryFile("sasl.username=u\n\(literal)\n")], 64, "line 2 is not KEY=VALUE"),
            (base + ["--kafka", "sasl.password=\(literal)", "--help"], 0, "--kafka-file"),
        ]
        for (args, expected, shows) in cases {
            let child = try ChildProcess(args)
            let status = await child.wait(timeout: .seconds(30))
            let printed = child.stderr + child.stdout
            XCTAssertEqual(status, expected, "\(args.suffix(2)): \(printed.suffix(800))")
            XCTAssertTrue(printed.contains(shows), "\(args.suffix(2)) should say '\(shows)': \(printed.suffix(800))")
            assertNoSecret(printed, "\(args.suffix(2))")
        }
    }
}

/// Values from files and the environment, and errors that never carry a value.
final class KafkaPropertySourceTests: XCTestCase {
    func testValuesFromFilesTheEnvironmentAndArguments() throws {
        let dir = NSTemporaryDirectory() + "fastbert-props-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "# cluster credentials\n\n  sasl.username = alice\r\nsasl.password=@not-a-reference\nlinger.ms=1\n"
            .write(toFile: dir + "/kafka.properties", atomically: true, encoding: .utf8)
        try "pem line 1\npem line 2\n\n".write(toFile: dir + "/key.pem", atomically: true, encoding: .utf8)
        let properties = try KafkaPropertySource.resolve(
            files: [dir + "/kafka.properties"],
            arguments: ["ssl.key.pem=@\(dir)/key.pem", "sasl.oauthbearer.client.secret=env:CLIENT_SECRET", "linger.ms=5", "a=b=c"],
            environment: ["CLIENT_SECRET": "from-env"])
        XCTAssertEqual(properties.map(\.0), ["sasl.username", "sasl.password", "linger.ms", "ssl.key.pem",
                                             "sasl.oauthbearer.client.secret", "linger.ms", "a"])
        XCTAssertEqual(properties.map(\.1), ["alice", "@not-a-reference", "1", "pem line 1\npem line 2", "from-env", "5", "b=c"],
                       "file values are literal; @PATH drops trailing newlines; later keys come later (and win in KafkaConfig)")
        var config = KafkaConfig()
        for (k, v) in properties { config[k] = v }
        XCTAssertEqual(config["linger.ms"], "5")
    }

    func testErrorsNameTheKeyAndNeverTheValue() throws {
        let secret = "hunter2-secret"
        let file = NSTemporaryDirectory() + "fastbert-props-\(UUID().uuidString)"
        try "ok=1\n\(secret)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let cases: [(files: [String], arguments: [String], says: String)] = [
            ([], ["a=1", secret], "--kafka argument 2 is not KEY=VALUE"),
            ([], [" =\(secret)"], "--kafka argument 1 has an empty key"),
            ([], ["sasl.password=env:UNSET_\(UUID().uuidString.prefix(4))"], "--kafka sasl.password: the environment variable 'UNSET_"),
            ([], ["sasl.password=@/nonexistent/\(secret)-dir/x"], "--kafka sasl.password: cannot read the value file"),
            ([file], [], "--kafka-file '\(file)' line 2 is not KEY=VALUE"),
            (["/nonexistent/kafka.properties"], [], "--kafka-file '/nonexistent/kafka.properties': cannot read it"),
        ]
        for (files, arguments, says) in cases {
            XCTAssertThrowsError(try KafkaPropertySource.resolve(files: files, arguments: arguments, environment: [:])) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(says), "\(text) should contain \(says)")
                if !says.contains("value file") { XCTAssertFalse(text.contains(secret), text) }
            }
        }
    }
}
