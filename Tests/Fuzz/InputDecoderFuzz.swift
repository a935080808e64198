// libFuzzer target: InputDecoder in text and JSON modes. The first byte picks the mode and
// the text field path, so one corpus covers both; any crash or sanitizer report is a bug.
// Built only by scripts/fuzz (swiftc over Sources/Pipeline/Input), never by SwiftPM.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInputDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let selector = data[0]
    let fields = ["text", "payload.body", "a.b.c", ""]
    let decoder = InputDecoder(format: selector & 1 == 0 ? .text : .json, textField: fields[Int(selector >> 1) % fields.count],
                               maxBytes: 4096)
    if case .success(let text) = decoder.decode(bytes) {
        precondition(text.contains { !$0.isWhitespace }, "decoded text must not be blank")
    }
    return 0
}
