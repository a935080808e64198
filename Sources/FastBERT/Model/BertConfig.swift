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

    /// Reads a "fastbert" section; absent keys keep their defaults. `path` names the file in errors,
    /// `fieldPrefix` where the section sits in it.
    init(section: [String: Any], path: String, fieldPrefix: String = "fastbert.") throws {
        self.init()
        func integer(_ key: String) throws -> Int? { try ConfigValue.integer(section, key, field: fieldPrefix + key, path: path) }
        classifierHidden = try integer("classifier_hidden") ?? classifierHidden
        classifierHeads = try integer("classifier_heads") ?? classifierHeads
        teacherTrained = section["teacher_trained"] as? Bool ?? false
        studentsDistilled = section["students_distilled"] as? Bool ?? false
        modelId = section["model_id"] as? String ?? ""
        try ConfigValue.check(fieldPrefix + "classifier_hidden", classifierHidden, in: ConfigValue.widths, path: path)
        try ConfigValue.check(fieldPrefix + "classifier_heads", classifierHeads, in: 1...classifierHidden, path: path)
        guard classifierHidden % classifierHeads == 0 else {
            throw ModelFileError.invalidField(
                file: path, field: fieldPrefix + "classifier_heads",
                reason: "is \(classifierHeads), which does not divide classifier_hidden \(classifierHidden)")
        }
    }
}

/// Reading and bounding config.json's numbers: a size outside its range is a broken or hostile
/// file, refused here before it can size an allocation or index a table.
enum ConfigValue {
    static let layers = 1...1000
    static let widths = 1...65_536
    static let vocabulary = 1...10_000_000
    static let intermediate = 1...1_048_576
    /// At least [CLS] and [SEP].
    static let positions = 2...1_048_576
    static let tokenTypes = 1...1024

    /// The integer at `key`, nil if absent or null; an error if it is anything but an integer.
    static func integer(_ object: [String: Any], _ key: String, field: String, path: String) throws -> Int? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let integer = value as? Int else {
            throw ModelFileError.invalidField(file: path, field: field, reason: "is \(value), not an integer")
        }
        return integer
    }

    static func check(_ field: String, _ value: Int, in range: ClosedRange<Int>, path: String) throws {
        guard range.contains(value) else {
            throw ModelFileError.invalidField(
                file: path, field: field, reason: "is \(value), must be in \(range.lowerBound)...\(range.upperBound)")
        }
    }
}

extension BertConfig {
    /// Parses config.json. Unknown keys are ignored; missing required keys are named in the error.
    public static func load(path: String) throws -> BertConfig {
        let maxBytes = 16 << 20
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
        if let size, size > maxBytes {
            throw ModelFileError.badConfig(file: path, detail: "file is \(size) bytes; a config.json is at most \(maxBytes)")
        }
        // Refused before reading: Foundation's contents(atPath:) leaks its buffer on an empty file (found by fuzzing).
        if size == 0 { throw ModelFileError.badConfig(file: path, detail: "empty file") }
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
            if let n = try ConfigValue.integer(json, key, field: key, path: path) { return n }
            if let value { return value }
            throw ModelFileError.badConfig(file: path, detail: "missing integer '\(key)'")
        }
        if let type = json["model_type"] as? String, !["bert", "fastbert"].contains(type) {
            throw ModelFileError.badConfig(file: path, detail: "model_type '\(type)' is not a BERT model")
        }
        if let act = json["hidden_act"] as? String, act != "gelu" {
            throw ModelFileError.badConfig(file: path, detail: "hidden_act '\(act)' is not supported (only exact 'gelu')")
        }
        let eps: Float
        switch json["layer_norm_eps"] {
        case nil, is NSNull: eps = 1e-12
        case let n as NSNumber where n.doubleValue > 0 && n.doubleValue < 1: eps = n.floatValue
        case let other?: throw ModelFileError.invalidField(file: path, field: "layer_norm_eps", reason: "is \(other), must be in (0, 1)")
        }
        var config = BertConfig(
            vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
            numLayers: try int("num_hidden_layers"), numHeads: try int("num_attention_heads"),
            intermediateSize: try int("intermediate_size"), maxPositions: try int("max_position_embeddings", default: 512),
            typeVocabSize: try int("type_vocab_size", default: 2), layerNormEps: eps,
            padTokenId: try int("pad_token_id", default: 0))
        try config.checkSizes(path: path)
        if let section = json["fastbert"] as? [String: Any] {
            config.fastbert = try FastBERTConfig(section: section, path: path)
        }
        if let id2label = json["id2label"] as? [String: Any], !id2label.isEmpty {
            var labels = [String?](repeating: nil, count: id2label.count)
            for (key, value) in id2label {
                guard let index = Int(key), labels.indices.contains(index), labels[index] == nil, let name = value as? String else {
                    throw ModelFileError.invalidField(file: path, field: "id2label", reason: "must map each of 0..<\(id2label.count) to a name")
                }
                labels[index] = name
            }
            config.fastbert.labels = labels.map { $0! }
        }
        return config
    }

    private func checkSizes(path: String) throws {
        try ConfigValue.check("vocab_size", vocabSize, in: ConfigValue.vocabulary, path: path)
        try ConfigValue.check("hidden_size", hiddenSize, in: ConfigValue.widths, path: path)
        try ConfigValue.check("num_hidden_layers", numLayers, in: ConfigValue.layers, path: path)
        try ConfigValue.check("num_attention_heads", numHeads, in: 1...hiddenSize, path: path)
        guard hiddenSize % numHeads == 0 else {
            throw ModelFileError.invalidField(
                file: path, field: "num_attention_heads", reason: "is \(numHeads), which does not divide hidden_size \(hiddenSize)")
        }
        try ConfigValue.check("intermediate_size", intermediateSize, in: ConfigValue.intermediate, path: path)
        try ConfigValue.check("max_position_embeddings", maxPositions, in: ConfigValue.positions, path: path)
        try ConfigValue.check("type_vocab_size", typeVocabSize, in: ConfigValue.tokenTypes, path: path)
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
