import Foundation

/// A memory-mapped .safetensors file: 8-byte little-endian header length, a JSON header
/// mapping tensor names to dtype, shape and byte offsets, then the raw data.
public final class SafeTensorsFile: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        public let range: Range<Int>
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    private let mapping: UnsafeRawPointer
    private let mappedLength: Int
    private let dataStart: Int

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ModelFileError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ModelFileError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        let length = Int(info.st_size)
        guard length >= 8 else { throw ModelFileError.truncated(file: path, detail: "\(length) bytes, no header length") }
        guard let raw = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), raw != MAP_FAILED else {
            throw ModelFileError.cannotOpen(file: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        mapping = UnsafeRawPointer(raw)
        mappedLength = length
        do {
            (entries, metadata, dataStart) = try Self.parseHeader(mapping, length: length, path: path)
        } catch {
            munmap(raw, length)
            throw error
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: mapping), mappedLength) }

    public var tensorNames: [String] { entries.keys.sorted() }

    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// Reads a tensor as Float32, converting F16 and BF16.
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else { throw ModelFileError.missingTensor(file: path, tensor: name) }
        guard ["F32", "F16", "BF16"].contains(entry.dtype) else {
            throw ModelFileError.unknownDType(file: path, tensor: name, dtype: entry.dtype)
        }
        let count = entry.shape.reduce(1, *)  // checked against the byte range when the header was read
        let base = mapping + dataStart + entry.range.lowerBound
        var values = [Float](repeating: 0, count: count)
        switch entry.dtype {
        case "F32":
            values.withUnsafeMutableBytes { out in
                out.copyMemory(from: UnsafeRawBufferPointer(start: base, count: count * 4))
            }
        case "F16":
            for i in 0..<count { values[i] = floatFromFloat16(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        default:
            for i in 0..<count { values[i] = floatFromBFloat16(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        }
        return Tensor(shape: entry.shape, data: values)
    }

    /// Reads a tensor and checks its shape.
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        guard let entry = entries[name] else { throw ModelFileError.missingTensor(file: path, tensor: name) }
        guard entry.shape == shape else {
            throw ModelFileError.wrongShape(file: path, tensor: name, expected: shape, found: entry.shape)
        }
        return try tensor(name)
    }

    static let elementSizes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
        "F8_E4M3": 1, "F8_E5M2": 1, "U16": 2, "U32": 4, "U64": 8,
    ]

    /// The safetensors format's own limit on the JSON header.
    static let maxHeaderLength = 100_000_000

    /// Checks everything a hostile header could use to make a read go wrong, before any tensor is
    /// read: the header length against the file, every dtype, shape and byte range (with overflow
    /// checked), and that no two tensors share bytes.
    private static func parseHeader(_ base: UnsafeRawPointer, length: Int, path: String) throws
        -> ([String: Entry], [String: String], Int)
    {
        let declaredLength = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard declaredLength > 0, declaredLength <= UInt64(maxHeaderLength) else {
            throw ModelFileError.badHeader(
                file: path, detail: "header length \(declaredLength) is implausible (limit \(maxHeaderLength) bytes)")
        }
        let headerLength = Int(declaredLength)
        guard headerLength <= length - 8 else {
            throw ModelFileError.truncated(file: path, detail: "header needs \(headerLength) bytes, file has \(length - 8)")
        }
        let headerData = Data(bytes: base + 8, count: headerLength)
        guard let json = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw ModelFileError.badHeader(file: path, detail: "header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        let dataLength = length - dataStart
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in json {
            if name == "__metadata__" {
                for (k, v) in (value as? [String: Any]) ?? [:] { metadata[k] = v as? String ?? "\(v)" }
                continue
            }
            entries[name] = try entry(name, value, dataLength: dataLength, path: path)
        }
        let laidOut = entries.filter { !$0.value.range.isEmpty }.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }
        for (previous, next) in zip(laidOut, laidOut.dropFirst()) where next.value.range.lowerBound < previous.value.range.upperBound {
            throw ModelFileError.overlappingTensors(file: path, first: previous.key, second: next.key)
        }
        return (entries, metadata, dataStart)
    }

    private static func entry(_ name: String, _ value: Any, dataLength: Int, path: String) throws -> Entry {
        func invalid(_ field: String, _ reason: String) -> ModelFileError {
            .badTensorEntry(file: path, tensor: name, field: field, reason: reason)
        }
        guard let fields = value as? [String: Any] else { throw invalid("entry", "is not an object") }
        guard let dtype = fields["dtype"] as? String else { throw invalid("dtype", "is missing or not a string") }
        guard let elementSize = elementSizes[dtype] else { throw ModelFileError.unknownDType(file: path, tensor: name, dtype: dtype) }
        guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw invalid("shape", "is not a list of non-negative integers")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2,
              offsets[0] >= 0, offsets[0] <= offsets[1]
        else {
            throw invalid("data_offsets", "is not a pair [begin, end] of integers with 0 <= begin <= end")
        }
        guard offsets[1] <= dataLength else {
            throw ModelFileError.truncated(
                file: path, detail: "tensor '\(name)' ends at byte \(offsets[1]) of data, file has \(dataLength)")
        }
        var bytes = elementSize
        for dimension in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw invalid("shape", "\(shape) of \(dtype) overflows a byte count") }
            bytes = product
        }
        guard bytes == offsets[1] - offsets[0] else {
            throw invalid("data_offsets", "\(offsets) hold \(offsets[1] - offsets[0]) bytes, shape \(shape) of \(dtype) needs \(bytes)")
        }
        return Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
    }

    /// A JSON list of integers; nil if any element is not an integer (2.5, 1e30, "3").
    private static func integers(_ value: Any?) -> [Int]? {
        guard let items = value as? [Any] else { return nil }
        var values: [Int] = []
        for item in items {
            guard let integer = item as? Int else { return nil }
            values.append(integer)
        }
        return values
    }
}
