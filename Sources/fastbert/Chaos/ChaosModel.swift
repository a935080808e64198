import FastBERT
import Foundation

/// The tiny random model and the texts of a chaos run: a 4-layer, width-32 FastBERT with random
/// weights over a small English vocabulary. Its answers mean nothing, but they are a
/// deterministic function of the text, which is all the auditor needs.
enum ChaosModel {
    static let labels = ["negative", "neutral", "positive"]

    static let words: [String] = """
        the a an and or but film movie story plot actor scene music score script good great bad awful \
        boring dull funny warm cold brilliant terrible wonderful lovely slow fast long short smart clever \
        i you we they it is was are be love hate like enjoyed watched felt never always often very really \
        not no yes end start twist ending cast director of in on at to for with from about after before
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    /// Writes the model folder (config, weights, vocab.txt) to `directory`.
    static func write(to directory: String, seed: UInt64) throws {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + Array(Set(words)).sorted()
        let config = BertConfig(
            vocabSize: vocabulary.count, hiddenSize: 32, numLayers: 4, numHeads: 4, intermediateSize: 64, maxPositions: 64,
            fastbert: FastBERTConfig(classifierHidden: 16, classifierHeads: 2, labels: labels, modelId: "chaos-tiny"))
        try ModelDirectory.save(FastBERTModel.random(config: config, seed: seed, std: 0.5), to: directory)
        try (vocabulary.joined(separator: "\n") + "\n").write(toFile: directory + "/vocab.txt", atomically: true, encoding: .utf8)
    }

    /// A deterministic sentence of 3 to 16 words for message `i`.
    static func sentence(_ i: Int) -> String {
        var state = UInt64(i) &* 6364136223846793005 &+ 1442695040888963407
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        return (0..<(3 + next() % 14)).map { _ in words[next() % words.count] }.joined(separator: " ")
    }
}
