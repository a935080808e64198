import Foundation

/// The FastBERT classifiers alone (fastbert.classifiers.* tensors, ~0.7M parameters), with the
/// config's FastBERT section in the file's metadata, so a trained model can ship as a small file
/// next to a shared backbone and be put back together with `load(backboneDirectory:headsFile:)`.
public enum ModelHeads {
    static let metadataKey = "fastbert_config"

    public static func save(_ model: FastBERTModel, to path: String, dtype: SafeTensorsWriter.DType = .f16) throws {
        let heads = model.namedTensors().filter { $0.key.hasPrefix("fastbert.classifiers.") }
        let f = model.config.fastbert
        let section: [String: Any] = [
            "labels": f.labels, "classifier_hidden": f.classifierHidden, "classifier_heads": f.classifierHeads,
            "teacher_trained": f.teacherTrained, "students_distilled": f.studentsDistilled, "model_id": f.modelId,
            "layers": model.config.numLayers, "hidden_size": model.config.hiddenSize,
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: section, options: [.sortedKeys]), as: UTF8.self)
        try SafeTensorsWriter.write(heads, to: path, dtype: dtype, metadata: [metadataKey: json, "format": "pt"])
    }

    /// The backbone in `backboneDirectory` with the classifiers (and labels) from `headsFile`.
    public static func load(backboneDirectory: String, headsFile: String) throws -> FastBERTModel {
        let file = try SafeTensorsFile(path: headsFile)
        guard let text = file.metadata[metadataKey],
              let section = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let labels = section["labels"] as? [String] else {
            throw ModelFileError.badConfig(file: headsFile, detail: "no '\(metadataKey)' metadata with labels")
        }
        let base = try ModelDirectory.load(backboneDirectory)
        var config = base.config
        guard (section["layers"] as? Int) == config.numLayers, (section["hidden_size"] as? Int) == config.hiddenSize else {
            throw ModelFileError.badConfig(file: headsFile, detail: "heads were trained for another backbone shape")
        }
        config.fastbert.labels = labels
        config.fastbert.classifierHidden = section["classifier_hidden"] as? Int ?? 128
        config.fastbert.classifierHeads = section["classifier_heads"] as? Int ?? 2
        config.fastbert.teacherTrained = section["teacher_trained"] as? Bool ?? false
        config.fastbert.studentsDistilled = section["students_distilled"] as? Bool ?? false
        config.fastbert.modelId = section["model_id"] as? String ?? ""
        let classifiers = try FastBERTModel.decodeClassifiers(file: file, config: config)
        return FastBERTModel(config: config, backbone: base.backbone, classifiers: classifiers)
    }
}
