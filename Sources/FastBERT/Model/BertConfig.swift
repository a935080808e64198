import Foundation

/// The architecture read from a Hugging Face config.json, plus the FastBERT section
/// (classifier shape, labels, training state) this project adds to it.
public struct BertConfig: Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numLayers: Int
    public var numHeads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var padTokenId: Int
    public var fastbert: FastBERTConfig

    public init(
        vocabSize: Int, hiddenSize: Int, numLayers: Int, numHeads: Int, intermediateSize: Int,
        maxPositions: Int = 512, typeVocabSize: Int = 2, layerNormEps: Float = 1e-12, padTokenId: Int = 0,
        fastbert: FastBERTConfig = FastBERTConfig()
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.numHeads = numHeads
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.padTokenId = padTokenId
        self.fastbert = fastbert
    }

    public var headSize: Int { hiddenSize / numHeads }
}

/// config.json's "fastbert" section. `labels` also becomes HF's id2label / label2id.
public struct FastBERTConfig: Sendable, Equatable {
    public var classifierHidden: Int = 128
    public var classifierHeads: Int = 2
    public var labels: [String] = []
    /// Set once stage 1 (fine-tuning with the teacher) has run.
    public var teacherTrained: Bool = false
    /// Set once stage 2 (self-distillation of the students) has run.
    public var studentsDistilled: Bool = false
    /// Identifies the model in results, e.g. "sst2-minilm@2026-11-29".
    public var modelId: String = ""

    public init(
        classifierHidden: Int = 128, classifierHeads: Int = 2, labels: [String] = [],
        teacherTrained: Bool = false, studentsDistilled: Bool = false, modelId: String = ""
    ) {
        self.classifierHidden = classifierHidden
        self.classifierHeads = classifierHeads
        self.labels = labels
        self.teacherTrained = teacherTrained
        self.studentsDistilled = studentsDistilled
        self.modelId = modelId
    }

    public var numLabels: Int { labels.count }
}

extension FastBERTConfig {
    /// The "fastbert" section's keys. Labels are not among them: config.json keeps them in HF's
    /// id2label, the heads file next to this section.
    func sectionObject() -> [String: Any] {
        [
            "classifier_hidden": classifierHidden, "classifier_heads": classifierHeads,
            "teacher_trained": teacherTrained, "students_distilled": studentsDistilled, "model_id": modelId,
        ]
    }

    /// Reads a "fastbert" section; absent keys keep their defaults. `path` names the file in errors.
    init(section: [String: Any], path: String) throws {
        self.init()
        classifierHidden = (section["classifier_hidden"] as? NSNumber)?.intValue ?? classifierHidden
        classifierHeads = (section["classifier_heads"] as? NSNumber)?.intValue ?? classifierHeads
        teacherTrained = section["teacher_trained"] as? Bool ?? false
        studentsDistilled = section["students_distilled"] as? Bool ?? false
        modelId = section["model_id"] as? String ?? ""
        guard classifierHidden > 0, classifierHeads > 0, classifierHidden % classifierHeads == 0 else {
            throw ModelFileError.badConfig(file: path, detail: "fastbert.classifier_hidden must be divisible by classifier_heads")
        }
    }
}

extension BertConfig {
    /// Parses config.json. Unknown keys are ignored; missing required keys are named in the error.
    public static func load(path: String) throws -> BertConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError.cannotOpen(file: path, reason: "no such file or not readable")
        }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelFileError.badConfig(file: path, detail: "not a JSON object")
        }
        return try parse(json, path: path)
    }

    static func parse(_ json: [String: Any], path: String) throws -> BertConfig {
        func int(_ key: String, default value: Int? = nil) throws -> Int {
            if let n = json[key] as? NSNumber { return n.intValue }
            if let value { return value }
            throw ModelFileError.badConfig(file: path, detail: "missing integer '\(key)'")
        }
        if let type = json["model_type"] as? String, !["bert", "fastbert"].contains(type) {
            throw ModelFileError.badConfig(file: path, detail: "model_type '\(type)' is not a BERT model")
        }
        if let act = json["hidden_act"] as? String, act != "gelu" {
            throw ModelFileError.badConfig(file: path, detail: "hidden_act '\(act)' is not supported (only exact 'gelu')")
        }
        var config = BertConfig(
            vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
            numLayers: try int("num_hidden_layers"), numHeads: try int("num_attention_heads"),
            intermediateSize: try int("intermediate_size"), maxPositions: try int("max_position_embeddings", default: 512),
            typeVocabSize: try int("type_vocab_size", default: 2),
            layerNormEps: (json["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12,
            padTokenId: try int("pad_token_id", default: 0))
        let sizes = [config.vocabSize, config.hiddenSize, config.numLayers, config.numHeads, config.intermediateSize]
        guard sizes.allSatisfy({ $0 > 0 }), config.hiddenSize % config.numHeads == 0 else {
            throw ModelFileError.badConfig(
                file: path, detail: "sizes must be positive and hidden_size divisible by num_attention_heads")
        }
        if let section = json["fastbert"] as? [String: Any] {
            config.fastbert = try FastBERTConfig(section: section, path: path)
        }
        if let id2label = json["id2label"] as? [String: Any], !id2label.isEmpty {
            var labels = [String](repeating: "", count: id2label.count)
            for (key, value) in id2label {
                guard let index = Int(key), labels.indices.contains(index), let name = value as? String else {
                    throw ModelFileError.badConfig(file: path, detail: "id2label must map 0..<N to names")
                }
                labels[index] = name
            }
            config.fastbert.labels = labels
        }
        return config
    }

    /// The config.json object, in HF layout with the FastBERT section.
    public func jsonObject() -> [String: Any] {
        var json: [String: Any] = [
            "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
            "vocab_size": vocabSize, "hidden_size": hiddenSize, "num_hidden_layers": numLayers,
            "num_attention_heads": numHeads, "intermediate_size": intermediateSize,
            "max_position_embeddings": maxPositions, "type_vocab_size": typeVocabSize,
            "layer_norm_eps": Double(layerNormEps), "pad_token_id": padTokenId,
            "position_embedding_type": "absolute",
            "fastbert": fastbert.sectionObject(),
        ]
        if !fastbert.labels.isEmpty {
            json["id2label"] = Dictionary(uniqueKeysWithValues: fastbert.labels.enumerated().map { ("\($0.offset)", $0.element) })
            json["label2id"] = Dictionary(fastbert.labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        }
        return json
    }

    public func write(path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: jsonObject(), options: [.prettyPrinted, .sortedKeys])
        do { try data.write(to: URL(fileURLWithPath: path)) } catch {
            throw ModelFileError.cannotWrite(file: path, reason: error.localizedDescription)
        }
    }
}
