import ArgumentParser
import Kafka
import Pipeline

/// Where the Kafka cluster is and the extra librdkafka properties for its clients. Values can
/// come from files and environment variables (`KafkaPropertySource`); the values of sensitive
/// properties (`SensitiveProperty`) are registered with `Secrets` and never printed.
struct KafkaOptions: ParsableArguments {
    @Option(help: "Bootstrap servers, HOST:PORT[,HOST:PORT...] (required by serve and replay).")
    var brokers: String?

    @Option(help: ArgumentHelp(
        "librdkafka property for both clients (prefix consumer. or producer. for one); repeatable.",
        discussion: "VALUE may be @PATH (the file's contents, trailing newline removed) or env:NAME (an environment variable), so that secrets stay off the command line. Values of keys holding passwords, secrets or private keys are never printed.",
        valueName: "KEY=VALUE"))
    var kafka: [String] = []

    @Option(name: .customLong("kafka-file"), help: ArgumentHelp(
        "Properties file of KEY=VALUE lines (# comments) read before the --kafka options; repeatable.",
        valueName: "PATH"))
    var kafkaFiles: [String] = []

    func validate() throws { _ = try properties() }

    /// The bootstrap servers, for the commands that cannot run without them.
    func requiredBrokers() throws -> String {
        guard let brokers, !brokers.isEmpty else { throw ValidationError("--brokers is required") }
        return brokers
    }

    /// Bootstrap servers and `--kafka` properties as one client configuration.
    func clientConfig() throws -> KafkaConfig {
        var config = KafkaConfig(bootstrapServers: try requiredBrokers())
        for (key, value) in try properties() { config[key] = value }
        return config
    }

    /// The `--kafka-file` and `--kafka` properties as (key, value) pairs, values resolved.
    func properties() throws -> [(String, String)] {
        let properties: [(String, String)]
        do { properties = try KafkaPropertySource.resolve(files: kafkaFiles, arguments: kafka) } catch {
            throw ValidationError(error.description)
        }
        Secrets.register(properties)
        return properties
    }
}
