import Foundation

/// The FastBERT classifiers alone (the classifier tensors of ModelLayout, ~0.7M parameters), with the
/// config's FastBERT section in the file's metadata, so a trained model can ship as a small file
/// next to a shared backbone and be put back together with `load(backboneDirectory:headsFile:)`.
public enum ModelHeads {
    static let metadataKey = "fastbert_config"

    public static func save(_ model: FastBERTModel, to path: String, dtype: SafeTensorsWriter.DType = .f16) throws {
        let heads = model.classifierTensors()
        var section = model.config.fastbert.sectionObject()
        section["labels"] = model.config.fastbert.labels
        section["layers"] = model.config.numLayers
        section["hidden_size"] = model.config.hiddenSize
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
            throw ModelFileError.badConfig(
                file: headsFile,
                detail: "heads were trained for another backbone shape (\(metadataKey) layers \(section["layers"] ?? "none"), "
                    + "hidden_size \(section["hidden_size"] ?? "none"); the backbone has \(config.numLayers) and \(config.hiddenSize))")
        }
        guard labels.count >= 2 else {
            throw ModelFileError.invalidField(
                file: headsFile, field: "\(metadataKey).labels", reason: "lists \(labels.count) labels; a classifier needs at least 2")
        }
        config.fastbert = try FastBERTConfig(section: section, path: headsFile, fieldPrefix: "\(metadataKey).")
        config.fastbert.labels = labels
        let reader = WeightReader(file, labelsField: "\(headsFile) metadata \(metadataKey).labels")
        let classifiers = try FastBERTModel.buildClassifiers(config, reader.tensor)
        return FastBERTModel(config: config, backbone: base.backbone, classifiers: classifiers)
    }
}
