import Foundation

/// A resumable training state in one folder: the model (HF layout), AdamW's moments and the
/// loop position. Data order and dropout masks are functions of (seed, epoch, step), so
/// `step` is all the RNG state there is.
struct Checkpoint {
    struct State: Codable, Equatable {
        var stage: String
        var step: Int
        var totalSteps: Int
        var examples: Int
        var options: TrainingOptions
        var epochLosses: [Float]
        var epochLossSum: Double
        var epochLossSteps: Int
    }

    static func modelDirectory(_ directory: String) -> String { directory + "/model" }

    static func exists(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/state.json")
    }

    /// Written to a sibling temporary folder and renamed, so a crash never leaves half a checkpoint.
    static func save(model: FastBERTModel, optimizer: AdamW, state: State, to directory: String, tokenizerSource: String?) throws {
        let temporary = directory + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        try ModelDirectory.save(model, to: modelDirectory(temporary), tokenizerSource: tokenizerSource)
        var moments: [String: Tensor] = [:]
        for p in optimizer.parameters {
            moments["m." + p.name] = optimizer.firstMoment[keyPath: p.path]
            moments["v." + p.name] = optimizer.secondMoment[keyPath: p.path]
        }
        try SafeTensorsWriter.write(moments, to: temporary + "/optimizer.safetensors",
                                    metadata: ["adam_step": "\(optimizer.step)"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(state).write(to: URL(fileURLWithPath: temporary + "/state.json"))
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.moveItem(atPath: temporary, toPath: directory)
    }

    static func loadState(_ directory: String) throws -> State {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/state.json"))
        return try JSONDecoder().decode(State.self, from: data)
    }

    /// Restores AdamW's moments and step count into `optimizer` (whose parameter list must match).
    static func loadOptimizer(_ directory: String, into optimizer: inout AdamW) throws {
        let file = try SafeTensorsFile(path: directory + "/optimizer.safetensors")
        for p in optimizer.parameters {
            let shape = optimizer.firstMoment[keyPath: p.path].shape
            let m = try file.tensor("m." + p.name, shape: shape), v = try file.tensor("v." + p.name, shape: shape)
            optimizer.firstMoment.withParameter(p) { $0 = m }
            optimizer.secondMoment.withParameter(p) { $0 = v }
        }
        optimizer.step = Int(file.metadata["adam_step"] ?? "") ?? 0
    }
}
