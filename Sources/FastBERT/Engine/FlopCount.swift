/// Analytical FLOPs (one multiply-add = 2 FLOPs), counted as in the FastBERT paper:
/// the encoder layers a sample runs plus every classifier evaluated on it. Embedding lookups,
/// LayerNorm and activations are not counted.
public enum FlopCount {
    /// One encoder layer on one sequence of `length` tokens.
    public static func encoderLayer(_ c: BertConfig, length: Int) -> Double {
        let h = Double(c.hiddenSize), ff = Double(c.intermediateSize), n = Double(length)
        let dense = 2 * n * (4 * h * h + 2 * h * ff)
        let attention = 2 * 2 * n * n * h
        return dense + attention
    }

    /// One FastBERT classifier on one sequence of `length` tokens (query and pooling at [CLS] only).
    public static func classifier(_ c: BertConfig, length: Int) -> Double {
        let h = Double(c.hiddenSize), w = Double(c.fastbert.classifierHidden), n = Double(length)
        let labels = Double(max(c.fastbert.numLabels, 2))
        let perToken = 2 * n * (h * w + 2 * w * w)
        let cls = 2 * (w * w + 2 * n * w + w * w + w * w + w * labels)
        return perToken + cls
    }

    /// A sample that left at `exitLayer` (1-based) after `classifiers` classifiers were evaluated on it.
    public static func sample(_ c: BertConfig, length: Int, exitLayer: Int, classifiers: Int) -> Double {
        Double(exitLayer) * encoderLayer(c, length: length) + Double(classifiers) * classifier(c, length: length)
    }
}
