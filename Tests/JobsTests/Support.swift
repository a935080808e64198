import FastBERT
import Foundation

enum Fixtures {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "fastbert-jobs-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A tiny random model with a ten-word vocabulary, saved as a model folder.
    static func modelFolder(modelId: String = "", withHeads: Bool = true) -> String {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "film", "very", "dull"]
        let config = BertConfig(
            vocabSize: vocabulary.count, hiddenSize: 16, numLayers: 3, numHeads: 2, intermediateSize: 32, maxPositions: 24,
            fastbert: FastBERTConfig(classifierHidden: 8, classifierHeads: 2, labels: ["neg", "pos"], modelId: modelId))
        let directory = temporaryDirectory() + "/tiny-model"
        try! ModelDirectory.save(FastBERTModel.random(config: config, seed: 5, std: 0.5, withClassifiers: withHeads), to: directory)
        try! vocabulary.joined(separator: "\n").appending("\n").write(
            toFile: directory + "/vocab.txt", atomically: true, encoding: .utf8)
        return directory
    }
}
