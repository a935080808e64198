/// Reads model tensors from a safetensors file by their canonical names (ModelLayout), checking
/// each shape. Checkpoint variants are resolved here, not in model code: names under `bert.`
/// (BertForSequenceClassification and other HF heads) and TF-era LayerNorm `gamma`/`beta`.
/// It records which stored tensors it read, so the ones nobody asked for can be reported
/// (HF files carry `pooler.*` and `embeddings.position_ids`).
final class WeightReader {
    let file: SafeTensorsFile
    private var used: Set<String> = []

    init(_ file: SafeTensorsFile) { self.file = file }

    func tensor(_ spec: TensorSpec) throws -> Tensor {
        guard let stored = storedNames(spec).first(where: file.contains) else {
            throw ModelFileError.missingTensor(file: file.path, tensor: spec.name)
        }
        let tensor = try file.tensor(stored, shape: spec.shape)
        used.insert(stored)
        return tensor
    }

    /// Whether the file holds any tensor under `prefix` (a part of the model, such as the heads).
    func hasTensors(under prefix: String) -> Bool {
        file.entries.keys.contains { $0.hasPrefix(prefix + ".") }
    }

    /// The file's tensors not read so far, sorted.
    var unusedTensors: [String] { file.tensorNames.filter { !used.contains($0) } }

    /// The names `spec` may be stored under, in order of preference.
    private func storedNames(_ spec: TensorSpec) -> [String] {
        var names = [spec.name]
        let legacySuffix = spec.role == .normScale ? "gamma" : spec.role == .normShift ? "beta" : nil
        if let legacySuffix, let dot = spec.name.lastIndex(of: ".") {
            names.append(spec.name[...dot] + legacySuffix)
        }
        return names + names.map { "bert." + $0 }
    }
}
