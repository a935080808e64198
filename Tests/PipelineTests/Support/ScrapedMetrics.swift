import Foundation

/// One scrape of /metrics, looked up by the full series name (labels included).
struct ScrapedMetrics {
    let values: [String: Double]

    init(_ text: String) {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    static func scrape(port: Int) async throws -> ScrapedMetrics {
        let (text, status) = try await KafkaTestSupport.get(port: port, "/metrics")
        guard status == 200 else { throw HarnessError("/metrics answered \(status)") }
        return ScrapedMetrics(text)
    }

    subscript(_ series: String) -> Double? { values[series] }

    /// Series of one metric name with their labels rendered as Prometheus does.
    func series(_ name: String) -> [String: Double] { values.filter { $0.key.hasPrefix(name + "{") } }
}
