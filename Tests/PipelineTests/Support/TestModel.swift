import FastBERT
import Foundation
import Jobs
import Pipeline
import Tokenizers

/// A tiny random FastBERT model (hidden 32, 4 layers) with a small English vocabulary, saved
/// once per test process.
enum TestModel {
    static let labels = ["negative", "neutral", "positive"]

    static let words: [String] = """
        the a an and or but film movie story plot actor actress scene scenes music score script dialogue \
        good great bad awful boring dull funny warm cold tender brilliant terrible wonderful lovely ugly \
        slow fast long short smart stupid clever lazy fresh stale sharp flat bright dark happy sad \
        i you we they it is was are were be been love hate like enjoyed watched saw felt made \
        never always often sometimes very really quite too so not no yes maybe almost \
        end start middle beginning final twist ending character characters cast director camera \
        of in on at to for with without from about over under through after before during \
        one two three four five many few every some all most best worst better worse \
        laugh cry smile tears fun joy pain fear hope love heart mind soul life death time
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    static var vocabulary: [String] {
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "!", "?"] + Array(Set(words)).sorted()
    }

    static func config(numLayers: Int = 4) -> BertConfig {
        BertConfig(
            vocabSize: vocabulary.count, hiddenSize: 32, numLayers: numLayers, numHeads: 4, intermediateSize: 64,
            maxPositions: 64,
            fastbert: FastBERTConfig(classifierHidden: 16, classifierHeads: 2, labels: labels, modelId: "tiny-test"))
    }

    /// The saved model folder (created on first use).
    static let directory: String = {
        let dir = NSTemporaryDirectory() + "fastbert-pipeline-tests-\(ProcessInfo.processInfo.processIdentifier)/model"
        let model = FastBERTModel.random(config: config(), seed: 11, std: 0.5)
        try! ModelDirectory.save(model, to: dir)
        try! vocabulary.joined(separator: "\n").appending("\n").write(toFile: dir + "/vocab.txt", atomically: true, encoding: .utf8)
        return dir
    }()

    static func loaded() throws -> ModelBundle { try ModelBundle.load(directory: directory, threads: 2) }

    /// A deterministic sentence for message `i`.
    static func sentence(_ i: Int) -> String {
        var state = UInt64(i) &* 6364136223846793005 &+ 1442695040888963407
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        let count = 3 + next() % 14
        return (0..<count).map { _ in words[next() % words.count] }.joined(separator: " ")
    }

    /// Labels the engine gives these texts directly (the reference for pipeline outputs).
    static func directLabels(_ texts: [String], speed: Float, batchSize: Int = 64) throws -> [String] {
        let classifier = try TextClassifier(bundle: try ModelBundle.load(directory: directory, threads: 2))
        var labels: [String] = []
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let batch = Array(texts[start..<min(start + batchSize, texts.count)])
            labels += try classifier.classify(batch, speed: speed).map { classifier.labels[$0.label] }
        }
        return labels
    }
}
