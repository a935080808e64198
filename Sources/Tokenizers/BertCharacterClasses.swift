/// Character predicates with exactly HF `tokenizers`' answers (see BertUnicodeTables.swift).
enum BertCharacterClasses {
    /// Rust's `char::is_whitespace` (the Unicode White_Space property).
    @inline(__always)
    static func isWhitespace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// The ideograph blocks of HF's `is_chinese_char`.
    @inline(__always)
    static func isChineseChar(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: true
        default: false
        }
    }

    static func isRemovedByCleaning(_ value: UInt32) -> Bool {
        contains(bertRemovedScalars, value)
    }

    static func isPunctuation(_ value: UInt32) -> Bool {
        contains(bertPunctuationScalars, value)
    }

    static func isNonspacingMark(_ value: UInt32) -> Bool {
        contains(bertNonspacingMarks, value)
    }

    private static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < ranges.count && ranges[low].lowerBound <= value
    }
}
