import Foundation

/// A resumable training state in one folder: the model (HF layout), AdamW's moments and the
/// loop position. Data order and dropout masks are functions of (seed, epoch, step), so
/// `step` is all the RNG state there is.
///
/// A crash never leaves the run without a complete checkpoint: `save` writes the new one to
/// the sibling `<folder>.partial` and fsyncs it, renames the current one to `<folder>.previous`,
/// renames the new one into place, and only then removes the previous one (fsyncing the parent
/// folder after each rename). Whatever step a crash interrupts, `<folder>` or `<folder>.previous`
/// is complete, and `latest` finds it.
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

    /// The steps of `save`, in order.
    enum SaveStep: CaseIterable {
        case writeModel, writeOptimizer, writeState, setAsideCurrent, moveIntoPlace, removePrevious
    }

    static func modelDirectory(_ directory: String) -> String { directory + "/model" }
    static func partialDirectory(_ directory: String) -> String { directory + ".partial" }
    static func previousDirectory(_ directory: String) -> String { directory + ".previous" }

    /// The complete checkpoint to resume from: `directory`, else the previous one that a crash
    /// during a save left beside it; nil when there is none.
    static func latest(_ directory: String) -> String? {
        [directory, previousDirectory(directory)].first(where: isComplete)
    }

    static func isComplete(_ directory: String) -> Bool {
        let files = ["state.json", "optimizer.safetensors", "model/" + ModelDirectory.configFile,
                     "model/" + ModelDirectory.weightsFile]
        return files.allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    /// Saves atomically (see the type's comment). `stoppingBefore` is for tests: it returns
    /// before that step, leaving the folders as a crash there would.
    static func save(
        model: FastBERTModel, optimizer: AdamW, state: State, to directory: String, tokenizerSource: String?,
        stoppingBefore stop: SaveStep? = nil
    ) throws {
        let partial = partialDirectory(directory), previous = previousDirectory(directory)
        let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().path
        let files = FileManager.default
        for step in SaveStep.allCases {
            if step == stop { return }
            switch step {
            case .writeModel:
                if files.fileExists(atPath: partial) { try files.removeItem(atPath: partial) }
                try ModelDirectory.save(model, to: modelDirectory(partial), tokenizerSource: tokenizerSource)
            case .writeOptimizer:
                var moments: [String: Tensor] = [:]
                for p in optimizer.parameters {
                    moments["m." + p.name] = optimizer.firstMoment[keyPath: p.path]
                    moments["v." + p.name] = optimizer.secondMoment[keyPath: p.path]
                }
                try SafeTensorsWriter.write(moments, to: partial + "/optimizer.safetensors",
                                            metadata: ["adam_step": "\(optimizer.step)"])
            case .writeState:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(state).write(to: URL(fileURLWithPath: partial + "/state.json"))
                try syncTree(partial)
            case .setAsideCurrent:
                // An incomplete current folder is no checkpoint; then the previous one stays the fallback.
                if isComplete(directory) {
                    if files.fileExists(atPath: previous) { try files.removeItem(atPath: previous) }
                    try files.moveItem(atPath: directory, toPath: previous)
                } else if files.fileExists(atPath: directory) {
                    try files.removeItem(atPath: directory)
                }
                try sync(parent)
            case .moveIntoPlace:
                try files.moveItem(atPath: partial, toPath: directory)
                try sync(parent)
            case .removePrevious:
                if files.fileExists(atPath: previous) { try files.removeItem(atPath: previous) }
            }
        }
    }

    /// fsyncs every file and folder under `path`, and `path` itself.
    static func syncTree(_ path: String) throws {
        let contents = FileManager.default.enumerator(atPath: path)
        while let relative = contents?.nextObject() as? String { try sync(path + "/" + relative) }
        try sync(path)
    }

    /// fsyncs one file or folder.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ModelFileError.cannotWrite(file: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw ModelFileError.cannotWrite(file: path, reason: "fsync: " + String(cString: strerror(errno)))
        }
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
