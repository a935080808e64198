/// Reads model tensors from a safetensors file by their canonical names (ModelLayout), checking
/// each shape. Checkpoint variants are resolved here, not in model code: names under `bert.`
/// (BertForSequenceClassification and other HF heads) and TF-era LayerNorm `gamma`/`beta`.
/// It records which stored tensors it read, so the ones nobody asked for can be reported
/// (HF files carry `pooler.*` and `embeddings.position_ids`).
/// Every tensor is refused unless finite, and a logits tensor whose rows do not match the label
/// count is named with the field the labels came from.
final class WeightReader {
    let file: SafeTensorsFile
    /// Where the label count in the specs comes from, for errors ("config.json id2label").
    let labelsField: String
    private var used: Set<String> = []

    init(_ file: SafeTensorsFile, labelsField: String) {
        self.file = file
        self.labelsField = labelsField
    }

    func tensor(_ spec: TensorSpec) throws -> Tensor {
        guard let stored = storedNames(spec).first(where: file.contains), let entry = file.entries[stored] else {
            throw ModelFileError.missingTensor(file: file.path, tensor: spec.name)
        }
        if let axis = spec.dimensions.firstIndex(of: .labels), entry.shape.count == spec.shape.count,
           entry.shape[axis] != spec.shape[axis] {
            throw ModelFileError.labelCountMismatch(
                file: file.path, tensor: stored, rows: entry.shape[axis], labelsField: labelsField, labels: spec.shape[axis])
        }
        let tensor = try file.tensor(stored, shape: spec.shape)
        if let index = tensor.data.withUnsafeBufferPointer(firstNonFinite) {
            throw ModelFileError.nonFinite(file: file.path, tensor: stored, index: index, value: tensor.data[index])
        }
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
