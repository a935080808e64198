import FastBERT

/// What the inference thread did with one micro-batch.
struct BatchOutcome: Sendable {
    var items: [WorkItem]
    /// One prediction (or the engine's error for that item) per item.
    var predictions: [Result<Prediction, InferenceFailure>]
    /// The exit each item ran under.
    var exits: [AppliedExit]
    var startedNanos: UInt64
    var finishedNanos: UInt64
    /// The engine's work on this batch (time and rows per layer).
    var work: EngineCounters? = nil
}

/// The engine rejected a batch (e.g. token ids outside the vocabulary).
struct InferenceFailure: Error, Sendable {
    var message: String
}
