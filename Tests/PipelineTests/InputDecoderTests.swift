import Pipeline
import XCTest

final class InputDecoderTests: XCTestCase {
    private func reason(_ decoder: InputDecoder, _ value: [UInt8]?) -> DeadLetterReason? {
        if case .failure(let rejection) = decoder.decode(value) { return rejection.reason }
        return nil
    }

    func testTextFormat() {
        let decoder = InputDecoder(format: .text, maxBytes: 16)
        XCTAssertEqual(try decoder.decode(Array("a fine film".utf8)).get(), "a fine film")
        XCTAssertEqual(reason(decoder, nil), .nullValue)
        XCTAssertEqual(reason(decoder, []), .emptyValue)
        XCTAssertEqual(reason(decoder, Array("   \n".utf8)), .emptyValue)
        XCTAssertEqual(reason(decoder, [0x66, 0xFF, 0xFE]), .invalidUTF8)
        XCTAssertEqual(reason(decoder, Array(repeating: 0x61, count: 17)), .tooLarge)
        XCTAssertNil(reason(decoder, Array(repeating: 0x61, count: 16)))
    }

    func testJSONFormat() {
        let decoder = InputDecoder(format: .json, textField: "text")
        XCTAssertEqual(try decoder.decode(Array(#"{"text":"hello","label":"x"}"#.utf8)).get(), "hello")
        XCTAssertEqual(reason(decoder, Array(#"{"text": "unterminated"#.utf8)), .invalidJSON)
        XCTAssertEqual(reason(decoder, Array(#"["text"]"#.utf8)), .invalidJSON)
        XCTAssertEqual(reason(decoder, Array(#"{"body":"x"}"#.utf8)), .missingTextField)
        XCTAssertEqual(reason(decoder, Array(#"{"text":42}"#.utf8)), .missingTextField)
        XCTAssertEqual(reason(decoder, Array(#"{"text":null}"#.utf8)), .missingTextField)
        XCTAssertEqual(reason(decoder, Array(#"{"text":"  "}"#.utf8)), .emptyValue)
    }

    func testDottedTextField() {
        let decoder = InputDecoder(format: .json, textField: "payload.body")
        XCTAssertEqual(try decoder.decode(Array(#"{"payload":{"body":"deep"}}"#.utf8)).get(), "deep")
        XCTAssertEqual(reason(decoder, Array(#"{"payload":"flat"}"#.utf8)), .missingTextField)
    }
}
