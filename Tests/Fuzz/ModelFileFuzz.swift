import Foundation

// libFuzzer target: the safetensors reader and the config.json loader. The first byte picks
// which one reads the rest. A refused file (a thrown error) is fine; a trap, an out-of-bounds
// access or a hang is a bug. Built only by scripts/fuzz (swiftc over Sources/FastBERT).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let rest = UnsafeBufferPointer(start: data + 1, count: size - 1)
    if data[0] & 1 == 0 {
        let path = FuzzFile.write(rest, suffix: ".safetensors")
        guard let file = try? SafeTensorsFile(path: path) else { return 0 }
        for name in file.tensorNames {
            _ = try? file.tensor(name)
        }
    } else {
        _ = try? BertConfig.load(path: FuzzFile.write(rest, suffix: "-config.json"))
    }
    return 0
}
