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
        let count = entry.shape.reduce(1, *)
        let base = mapping + dataStart + entry.range.lowerBound
        var values = [Float](repeating: 0, count: count)
        switch entry.dtype {
        case "F32":
            values.withUnsafeMutableBytes { out in
                out.copyMemory(from: UnsafeRawBufferPointer(start: base, count: count * 4))
            }
        case "F16":
            for i in 0..<count { values[i] = floatFromFloat16(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case "BF16":
            for i in 0..<count { values[i] = floatFromBFloat16(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        default:
            throw ModelFileError.unknownDType(file: path, tensor: name, dtype: entry.dtype)
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

    private static func parseHeader(_ base: UnsafeRawPointer, length: Int, path: String) throws
        -> ([String: Entry], [String: String], Int)
    {
        let headerLength = Int(UInt64(littleEndian: base.loadUnaligned(as: UInt64.self)))
        guard headerLength > 0, headerLength <= 100_000_000 else {
            throw ModelFileError.badHeader(file: path, detail: "header length \(headerLength) is implausible")
        }
        guard 8 + headerLength <= length else {
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
            guard let fields = value as? [String: Any],
                  let dtype = fields["dtype"] as? String,
                  let shape = (fields["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (fields["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2, shape.allSatisfy({ $0 >= 0 })
            else {
                throw ModelFileError.badHeader(file: path, detail: "tensor '\(name)' has no valid dtype/shape/data_offsets")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw ModelFileError.badHeader(file: path, detail: "tensor '\(name)' has offsets \(offsets)")
            }
            guard offsets[1] <= dataLength else {
                throw ModelFileError.truncated(
                    file: path, detail: "tensor '\(name)' ends at byte \(offsets[1]) of data, file has \(dataLength)")
            }
            if let size = elementSizes[dtype] {
                let (expected, overflow) = shape.reduce(size, { $0 * $1 }).multipliedReportingOverflow(by: 1)
                guard !overflow, expected == offsets[1] - offsets[0] else {
                    throw ModelFileError.badHeader(
                        file: path, detail: "tensor '\(name)' shape \(shape) \(dtype) needs \(expected) bytes, has \(offsets[1] - offsets[0])")
                }
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        return (entries, metadata, dataStart)
    }
}
