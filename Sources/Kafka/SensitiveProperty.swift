/// librdkafka properties whose values are secrets: passwords, client secrets and private keys
/// given inline (`sasl.password`, `ssl.key.password`, `ssl.keystore.password`, `ssl.key.pem`,
/// `sasl.oauthbearer.client.secret`, `sasl.oauthbearer.config`, ...). Their values are never
/// printed: `KafkaConfig.description` masks them and configuration errors have them removed.
/// Matching is by key, with or without a `consumer.` / `producer.` prefix, so properties added
/// by later librdkafka versions that follow the same naming are covered too.
public enum SensitiveProperty {
    /// What stands in for a secret value in any printed text.
    public static let mask = "***"

    public static func isSensitive(_ key: String) -> Bool {
        let key = key.lowercased()
        return key.contains("password") || key.contains("secret") || key.hasSuffix("key.pem")
            || key.hasSuffix("ssl_key") || key.hasSuffix("sasl.oauthbearer.config")
    }

    /// `text` with every occurrence of each non-empty secret replaced by `mask`.
    public static func redact(_ text: String, secrets: some Sequence<String>) -> String {
        var text = text
        // Longest first, so that a secret containing another is masked whole.
        for secret in secrets.filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) where text.contains(secret) {
            text = text.replacing(secret, with: mask)
        }
        return text
    }
}
