/// Errors from reading or writing model files. Each names the file and, where it applies, the tensor.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(file: String, reason: String)
    case truncated(file: String, detail: String)
    case badHeader(file: String, detail: String)
    case unknownDType(file: String, tensor: String, dtype: String)
    case missingTensor(file: String, tensor: String)
    case wrongShape(file: String, tensor: String, expected: [Int], found: [Int])
    case badConfig(file: String, detail: String)
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): "\(file): cannot open: \(reason)"
        case .truncated(let file, let detail): "\(file): file is truncated: \(detail)"
        case .badHeader(let file, let detail): "\(file): invalid safetensors header: \(detail)"
        case .unknownDType(let file, let tensor, let dtype):
            "\(file): tensor '\(tensor)' has unsupported dtype \(dtype) (supported: F32, F16, BF16)"
        case .missingTensor(let file, let tensor): "\(file): missing tensor '\(tensor)'"
        case .wrongShape(let file, let tensor, let expected, let found):
            "\(file): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .badConfig(let file, let detail): "\(file): invalid config: \(detail)"
        case .cannotWrite(let file, let reason): "\(file): cannot write: \(reason)"
        }
    }
}
