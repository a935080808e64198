import Kafka
import Testing

@Suite struct ConfigTests {
    @Test func orderedAndOverridable() {
        var config: KafkaConfig = ["bootstrap.servers": "a:1", "acks": "1"]
        config["bootstrap.servers"] = "b:2"
        config["linger.ms"] = "5"
        #expect(config.entries.map(\.key) == ["bootstrap.servers", "acks", "linger.ms"])
        #expect(config["bootstrap.servers"] == "b:2")
        #expect(config.withDefault("acks", "all")["acks"] == "1")
        #expect(config.withDefault("client.id", "x")["client.id"] == "x")
        config["acks"] = nil
        #expect(config["acks"] == nil)
    }

    @Test func unknownKeyIsReportedWithKeyName() {
        let config: KafkaConfig = ["bootstrap.servers": "127.0.0.1:1", "no.such.property": "1"]
        #expect {
            _ = try KafkaProducer(config: config, logger: TestSupport.logger) { _ in }
        } throws: { error in
            guard let e = error as? KafkaError else { return false }
            return e.key == "no.such.property" && e.code == .invalidArgument && e.message.contains("no.such.property")
        }
    }

    @Test func invalidValueIsReportedWithKeyName() {
        let config: KafkaConfig = ["bootstrap.servers": "127.0.0.1:1", "acks": "banana"]
        #expect {
            _ = try KafkaConsumer(config: config, logger: TestSupport.logger)
        } throws: { error in
            (error as? KafkaError)?.key == "acks"
        }
    }

    @Test func sensitiveValuesAreMaskedInTheDescription() {
        let config: KafkaConfig = [
            "sasl.password": "pw-1", "consumer.ssl.key.password": "pw-2", "ssl.key.pem": "pem-3",
            "sasl.oauthbearer.client.secret": "sec-4", "sasl.username": "alice",
        ]
        #expect(config.description.contains("sasl.username=alice"))
        for secret in ["pw-1", "pw-2", "pem-3", "sec-4"] { #expect(!config.description.contains(secret)) }
        #expect(config.redact("auth failed for pw-1 / sec-4") == "auth failed for *** / ***")
        #expect(SensitiveProperty.isSensitive("producer.ssl.keystore.password"))
        #expect(!SensitiveProperty.isSensitive("ssl.key.location"))
    }

    /// librdkafka refuses a private key it cannot parse when the client is created; the error names
    /// the property and never carries the key material.
    @Test func unusablePrivateKeyIsReportedWithoutItsValue() {
        let pem = "-----BEGIN PRIVATE KEY-----\nnot-a-real-key-7f3a9c\n-----END PRIVATE KEY-----"
        let config: KafkaConfig = ["bootstrap.servers": "127.0.0.1:1", "security.protocol": "ssl", "ssl.key.pem": pem]
        #expect {
            _ = try KafkaProducer(config: config, logger: TestSupport.logger) { _ in }
        } throws: { error in
            let text = "\(error)"
            return text.contains("ssl.key.pem") && !text.contains("not-a-real-key-7f3a9c")
        }
    }

    @Test func errorCodeNames() {
        #expect(KafkaErrorCode.queueFull.name == "_QUEUE_FULL")
        #expect(KafkaErrorCode.notLeaderForPartition.name == "NOT_LEADER_FOR_PARTITION")
        #expect(KafkaError(code: .timedOut, topic: "t", partition: 3).description.contains("partition=3"))
    }
}
