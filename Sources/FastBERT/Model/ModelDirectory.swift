import Foundation

/// A Hugging Face-style model folder: config.json, model.safetensors, vocab.txt / tokenizer.json.
public enum ModelDirectory {
    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"

    public static func load(_ directory: String) throws -> FastBERTModel { try loadReportingUnused(directory).model }

    /// The model, and the tensors in model.safetensors it does not use (HF checkpoints carry
    /// `pooler.*` and `embeddings.position_ids`; they are not an error).
    public static func loadReportingUnused(_ directory: String) throws -> (model: FastBERTModel, unusedTensors: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelFileError.cannotOpen(file: directory, reason: "not a model directory")
        }
        let configPath = path(directory, configFile)
        let config = try BertConfig.load(path: configPath)
        let reader = WeightReader(try SafeTensorsFile(path: path(directory, weightsFile)), labelsField: "\(configPath) id2label")
        let model = try FastBERTModel.decode(reader, config: config)
        return (model, reader.unusedTensors)
    }

    /// Writes config.json and model.safetensors; copies the tokenizer files from `tokenizerSource` if given.
    public static func save(
        _ model: FastBERTModel, to directory: String, dtype: SafeTensorsWriter.DType = .f32, tokenizerSource: String? = nil
    ) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ModelFileError.cannotWrite(file: directory, reason: error.localizedDescription)
        }
        try model.config.write(path: path(directory, configFile))
        try SafeTensorsWriter.write(model.namedTensors(), to: path(directory, weightsFile), dtype: dtype,
                                    metadata: ["format": "pt", "producer": "fastbert-stream"])
        if let source = tokenizerSource, source != directory {
            for name in ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"] {
                let from = path(source, name), to = path(directory, name)
                guard FileManager.default.fileExists(atPath: from) else { continue }
                try? FileManager.default.removeItem(atPath: to)
                do { try FileManager.default.copyItem(atPath: from, toPath: to) } catch {
                    throw ModelFileError.cannotWrite(file: to, reason: error.localizedDescription)
                }
            }
        }
    }

    static func path(_ directory: String, _ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }
}
