/// Stage 1's schedule for the settings the user does not give, from the data. Where every label
/// has thousands of examples it is the paper's recipe (3 epochs, peak rate 2e-5, batch 32, a tenth
/// of the steps warming up). With fewer examples per label (a 77-intent set with 10,000 rows has
/// about 120) it runs more epochs, at a higher rate, in smaller batches, and warms up for a
/// fixed share of one epoch rather than of all of them; the validation split stops it earlier.
public enum TrainingSchedule {
    public struct Settings: Sendable, Equatable {
        public var epochs: Int
        public var learningRate: Float
        public var batchSize: Int
        /// Fraction of all steps spent warming up.
        public var warmup: Float

        public init(epochs: Int, learningRate: Float, batchSize: Int, warmup: Float) {
            self.epochs = epochs
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.warmup = warmup
        }
    }

    /// The settings the user gave; the others come from `settings(examples:labels:)`.
    public struct Given: Sendable, Equatable {
        public var epochs: Int?, learningRate: Float?, batchSize: Int?, warmup: Float?
        public init(epochs: Int? = nil, learningRate: Float? = nil, batchSize: Int? = nil, warmup: Float? = nil) {
            self.epochs = epochs
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.warmup = warmup
        }
    }

    /// The paper's recipe (BERT's fine-tuning defaults).
    public static let paper = Settings(epochs: 3, learningRate: 2e-5, batchSize: 32, warmup: 0.1)

    /// `given` completed from the data; the warmup follows the epochs actually run.
    public static func settings(examples: Int, labels: Int, given: Given) -> Settings {
        var chosen = settings(examples: examples, labels: labels)
        if let epochs = given.epochs {
            chosen.epochs = epochs
            chosen.warmup = min(paper.warmup, warmupEpochs / Float(epochs))
        }
        chosen.learningRate = given.learningRate ?? chosen.learningRate
        chosen.batchSize = given.batchSize ?? chosen.batchSize
        chosen.warmup = given.warmup ?? chosen.warmup
        return chosen
    }

    public static let minimumEpochs = 3
    public static let maximumEpochs = 20
    /// Examples per label at which the paper's recipe applies unchanged.
    static let examplesPerLabelForPaperRecipe = 2000.0
    /// Below this many examples per label, batches of 16 instead of 32.
    static let examplesPerLabelForSmallBatches = 500.0
    static let maximumRate: Float = 5e-5
    /// Warmup length in epochs (the paper's tenth of 3 epochs).
    static let warmupEpochs: Float = 0.3

    public static func settings(examples: Int, labels: Int) -> Settings {
        let perLabel = Double(max(examples, 1)) / Double(max(labels, 2))
        let scarcity = max(1, examplesPerLabelForPaperRecipe / perLabel)
        let epochs = min(maximumEpochs, max(minimumEpochs, Int((Double(minimumEpochs) * scarcity.squareRoot()).rounded())))
        return Settings(
            epochs: epochs, learningRate: min(maximumRate, paper.learningRate * Float(scarcity.squareRoot())),
            batchSize: perLabel < examplesPerLabelForSmallBatches ? paper.batchSize / 2 : paper.batchSize,
            warmup: min(paper.warmup, warmupEpochs / Float(epochs)))
    }

    /// Epochs without a better validation accuracy after which stage 1 stops.
    public static let patience = 3
}
