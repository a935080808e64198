/// Hyperparameters of one training stage. Defaults follow the FastBERT/BERT recipe for stage 1.
public struct TrainingOptions: Sendable, Codable, Equatable {
    public var epochs: Int = 3
    public var learningRate: Float = 2e-5
    /// Peak rate for the classifier heads when it differs from the backbone's: new heads start
    /// from small random weights and learn far too slowly at a fine-tuning rate like 2e-5.
    public var headLearningRate: Float? = nil
    public var batchSize: Int = 32
    public var maxLength: Int = 128
    /// Fraction of all steps spent warming the learning rate up linearly from 0.
    public var warmup: Float = 0.1
    public var weightDecay: Float = 0.01
    /// Hidden and attention-probability dropout inside the backbone (stage 1 with full fine-tuning).
    public var dropout: Float = 0.1
    public var maxGradientNorm: Float = 1.0
    public var seed: UInt64 = 42
    /// Also checkpoint every this many steps (besides every epoch end).
    public var checkpointEvery: Int? = nil
    /// Stop (after checkpointing) once this many steps are done, as an interruption would; for tests.
    public var stopAfterSteps: Int? = nil

    public init() {}
}

/// What a finished (or stopped) stage reports.
public struct TrainingReport: Sendable, Codable, Equatable {
    public var steps: Int
    public var examplesSeen: Int
    public var tokensSeen: Int
    public var seconds: Double
    /// Mean loss over each completed epoch.
    public var epochLosses: [Float]
    /// Mean loss of the last 50 steps.
    public var recentLoss: Float
    public var completed: Bool
    /// Set when the caller's epoch hook ended the stage before its last epoch.
    public var stoppedAfterEpoch: Int? = nil

    public var tokensPerSecond: Double { seconds > 0 ? Double(tokensSeen) / seconds : 0 }
    public var examplesPerSecond: Double { seconds > 0 ? Double(examplesSeen) / seconds : 0 }
}
