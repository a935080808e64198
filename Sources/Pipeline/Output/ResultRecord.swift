/// The JSON value written to the output topic for a classified record (schemas/output.schema.json).
struct ResultRecord: Codable, Sendable {
    var label: String
    var labelId: Int
    var probabilities: [String: Float]
    var exitLayer: Int
    var numLayers: Int
    var uncertainty: Float
    /// Where the exit came from: speed, adaptive, calibrated or header.
    var exit: String
    /// The entropy threshold in force; nil under a calibrated policy.
    var speed: Float?
    var modelId: String
    var tokens: Int
    var source: SourceCoordinates
    var inputTimestampMs: Int64?
    var processingLatencyMs: Double

    enum CodingKeys: String, CodingKey {
        case label, probabilities, uncertainty, exit, speed, tokens, source
        case labelId = "label_id"
        case exitLayer = "exit_layer"
        case numLayers = "num_layers"
        case modelId = "model_id"
        case inputTimestampMs = "input_timestamp_ms"
        case processingLatencyMs = "processing_latency_ms"
    }
}

/// Where an output came from.
struct SourceCoordinates: Codable, Sendable, Hashable {
    var topic: String
    var partition: Int32
    var offset: Int64
}

/// The JSON value written to the output topic for a rejected record when no dead-letter topic
/// is configured (schemas/output.schema.json, error branch).
struct ErrorRecord: Codable, Sendable {
    struct Failure: Codable, Sendable {
        var reason: DeadLetterReason
        var message: String
    }

    var error: Failure
    var modelId: String
    var source: SourceCoordinates
    var inputTimestampMs: Int64?

    enum CodingKeys: String, CodingKey {
        case error, source
        case modelId = "model_id"
        case inputTimestampMs = "input_timestamp_ms"
    }
}
