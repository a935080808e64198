/// How the pre-tokenizer treats each ASCII byte; a table lookup instead of range checks on the hot path.
enum ASCIIClass: UInt8 {
    case word
    case whitespace
    case punctuation
    /// Removed by clean_text (C0 controls besides tab/LF/CR, and DEL); word characters otherwise.
    case control
    /// Whitespace for the pre-tokenizer, but removed first when clean_text is on (VT, FF).
    case controlWhitespace

    static let table: [ASCIIClass] = (0..<128).map { (value: UInt32) in
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20: .whitespace
        case 0x0B, 0x0C: .controlWhitespace
        case 0x00...0x1F, 0x7F: .control
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: .punctuation
        default: .word
        }
    }
}
