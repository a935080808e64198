import FastBERT

/// What one step of the inference thread did: the micro-batch it took from the queue and the
/// items that finished. Without pools they are the same batch; with pools an item finishes in the
/// step where it leaves the network, which may come several steps after its batch was taken.
struct BatchOutcome: Sendable {
    var items: [WorkItem] = []
    /// One prediction (or the engine's error for that item) per item.
    var predictions: [Result<Prediction, InferenceFailure>] = []
    /// The exit each item ran under.
    var exits: [AppliedExit] = []
    /// When each item's micro-batch was taken from the queue.
    var startedNanos: [UInt64] = []
    var finishedNanos: UInt64 = 0
    /// Size of the micro-batch taken in this step (0: only pooled samples ran).
    var taken = 0
    /// The engine's work in this step (time and rows per layer).
    var work: EngineCounters? = nil

    mutating func append(_ item: WorkItem, _ prediction: Result<Prediction, InferenceFailure>, exit: AppliedExit, startedNanos: UInt64) {
        items.append(item)
        predictions.append(prediction)
        exits.append(exit)
        self.startedNanos.append(startedNanos)
    }
}

/// The engine rejected a batch (e.g. token ids outside the vocabulary).
struct InferenceFailure: Error, Sendable {
    var message: String
}
