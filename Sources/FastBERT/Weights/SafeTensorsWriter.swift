import Foundation

/// Writes named Float32 tensors as a .safetensors file (F32 by default, or F16/BF16).
public enum SafeTensorsWriter {
    public enum DType: String, Sendable { case f32 = "F32", f16 = "F16", bf16 = "BF16" }

    public static func write(
        _ tensors: [String: Tensor], to path: String, dtype: DType = .f32, metadata: [String: String] = [:]
    ) throws {
        let names = tensors.keys.sorted()
        let elementSize = dtype == .f32 ? 4 : 2
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let bytes = t.count * elementSize
            header[name] = ["dtype": dtype.rawValue, "shape": t.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var headerData = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces so the data starts 8-byte aligned, as the format recommends.
        while (8 + headerData.count) % 8 != 0 { headerData.append(0x20) }
        var out = Data(capacity: 8 + headerData.count + offset)
        var length = UInt64(headerData.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(headerData)
        for name in names {
            let values = tensors[name]!.data
            switch dtype {
            case .f32:
                values.withUnsafeBytes { out.append(contentsOf: $0) }
            case .f16, .bf16:
                var halves = [UInt16](repeating: 0, count: values.count)
                for i in 0..<values.count {
                    halves[i] = (dtype == .f16 ? float16FromFloat(values[i]) : bfloat16FromFloat(values[i])).littleEndian
                }
                halves.withUnsafeBytes { out.append(contentsOf: $0) }
            }
        }
        do {
            try out.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelFileError.cannotWrite(file: path, reason: error.localizedDescription)
        }
    }
}
