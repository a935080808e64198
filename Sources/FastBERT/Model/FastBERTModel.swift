/// A BERT backbone with its FastBERT classifiers: `classifiers[i]` reads the output of
/// layer i+1; the last one is the teacher. Empty `classifiers` means the heads are not trained yet.
public struct FastBERTModel: Sendable, Equatable {
    public var config: BertConfig
    public var backbone: BertWeights
    public var classifiers: [ClassifierWeights]

    public init(config: BertConfig, backbone: BertWeights, classifiers: [ClassifierWeights]) {
        self.config = config
        self.backbone = backbone
        self.classifiers = classifiers
    }

    public var hasClassifiers: Bool { classifiers.count == config.numLayers }
    public var teacher: ClassifierWeights? { classifiers.last }

    /// Number of parameters (backbone + classifiers).
    public var parameterCount: Int { namedTensors().values.reduce(0) { $0 + $1.count } }

    /// A short statement of which heads exist and whether they were trained.
    public var headStatus: String {
        if !hasClassifiers { return "no FastBERT classifiers: run `fastbert train` (teacher) then `fastbert distill` (students)" }
        switch (config.fastbert.teacherTrained, config.fastbert.studentsDistilled) {
        case (true, true): return "teacher trained, \(classifiers.count - 1) students distilled"
        case (true, false): return "teacher trained; students NOT distilled yet (run `fastbert distill`): early exits are unreliable"
        case (false, true): return "students distilled but teacher marked untrained"
        case (false, false): return "classifiers present but untrained (random initialisation)"
        }
    }
}
