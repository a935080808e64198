/// Stage 1's epochs when none are given, from the data: a few passes where every label has
/// thousands of examples (the paper's recipe, 3), more where each label has only a hundred or so
/// (a 77-intent set with 10,000 rows), up to a bound; the validation split stops it earlier.
public enum TrainingSchedule {
    public static let minimumEpochs = 3
    public static let maximumEpochs = 20
    /// Examples per label at which the paper's 3 epochs suffice.
    static let examplesPerLabelForMinimum = 2000.0

    public static func epochs(examples: Int, labels: Int) -> Int {
        let perLabel = Double(max(examples, 1)) / Double(max(labels, 2))
        let scaled = Double(minimumEpochs) * (examplesPerLabelForMinimum / perLabel).squareRoot()
        return min(maximumEpochs, max(minimumEpochs, Int(scaled.rounded())))
    }

    /// Epochs without a better validation accuracy after which stage 1 stops.
    public static let patience = 2
}
