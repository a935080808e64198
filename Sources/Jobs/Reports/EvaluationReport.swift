import FastBERT

/// What `fastbert eval` measured: the model and data, the run's settings and one result per speed.
public struct EvaluationReport: Sendable, Codable, Equatable {
    public var model: String
    public var modelId: String
    public var data: String
    public var examples: Int
    public var meanTokens: Double
    public var labels: [String]
    public var layers: Int
    public var batchSize: Int
    public var threads: Int
    public var repeats: Int
    public var results: [SpeedResult]
}
