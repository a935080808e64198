/// Errors from reading or writing model files. Each names the file and, where it applies, the
/// tensor or the config field.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(file: String, reason: String)
    case truncated(file: String, detail: String)
    case badHeader(file: String, detail: String)
    /// One tensor's entry in a safetensors header (`field` is dtype, shape or data_offsets).
    case badTensorEntry(file: String, tensor: String, field: String, reason: String)
    case overlappingTensors(file: String, first: String, second: String)
    case unknownDType(file: String, tensor: String, dtype: String)
    case missingTensor(file: String, tensor: String)
    case wrongShape(file: String, tensor: String, expected: [Int], found: [Int])
    case nonFinite(file: String, tensor: String, index: Int, value: Float)
    /// A classifier's logits have `rows` rows (one per label) but `labelsField` lists `labels`.
    case labelCountMismatch(file: String, tensor: String, rows: Int, labelsField: String, labels: Int)
    case badConfig(file: String, detail: String)
    case invalidField(file: String, field: String, reason: String)
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): "\(file): cannot open: \(reason)"
        case .truncated(let file, let detail): "\(file): file is truncated: \(detail)"
        case .badHeader(let file, let detail): "\(file): invalid safetensors header: \(detail)"
        case .badTensorEntry(let file, let tensor, let field, let reason):
            "\(file): invalid safetensors header: tensor '\(tensor)' \(field) \(reason)"
        case .overlappingTensors(let file, let first, let second):
            "\(file): invalid safetensors header: tensors '\(first)' and '\(second)' overlap in data_offsets"
        case .unknownDType(let file, let tensor, let dtype):
            "\(file): tensor '\(tensor)' has unsupported dtype \(dtype) (supported: F32, F16, BF16)"
        case .missingTensor(let file, let tensor): "\(file): missing tensor '\(tensor)'"
        case .wrongShape(let file, let tensor, let expected, let found):
            "\(file): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .nonFinite(let file, let tensor, let index, let value):
            "\(file): tensor '\(tensor)' holds \(value) at element \(index); weights must be finite"
        case .labelCountMismatch(let file, let tensor, let rows, let labelsField, let labels):
            "\(file): tensor '\(tensor)' has \(rows) rows, one per label, but \(labelsField) lists \(labels) labels"
        case .badConfig(let file, let detail): "\(file): invalid config: \(detail)"
        case .invalidField(let file, let field, let reason): "\(file): invalid config: '\(field)' \(reason)"
        case .cannotWrite(let file, let reason): "\(file): cannot write: \(reason)"
        }
    }
}
