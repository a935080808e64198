import Foundation

/// Scalars that canonical decomposition leaves alone wherever they appear: a starter
/// (combining class 0) that is its own NFD. Texts made only of these skip NFD entirely.
enum NFDInertScalars {
    /// Bit set over the BMP, from a single Foundation NFD call over every BMP starter, each
    /// followed by U+0001 as a separator (a starter itself, so nothing reorders across it).
    private static let bmp: [UInt64] = {
        let separator: Unicode.Scalar = "\u{1}"
        let starters = (UInt32(0)..<0x10000).compactMap(Unicode.Scalar.init)
            .filter { $0 != separator && $0.properties.canonicalCombiningClass == .notReordered }
        var joined = String.UnicodeScalarView()
        for scalar in starters {
            joined.append(scalar)
            joined.append(separator)
        }
        var bits = [UInt64](repeating: 0, count: 0x10000 / 64)
        bits[0] |= 1 << UInt64(separator.value)
        let pieces = String(joined).decomposedStringWithCanonicalMapping.unicodeScalars
            .split(separator: separator, omittingEmptySubsequences: false)
        for (scalar, piece) in zip(starters, pieces) where piece.count == 1 && piece.first == scalar {
            bits[Int(scalar.value >> 6)] |= 1 << UInt64(scalar.value & 63)
        }
        return bits
    }()

    /// Builds the table now rather than on the first accented text.
    static func prepare() {
        _ = bmp.count
    }

    @inline(__always)
    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return true }
        if value < 0x10000 { return bmp[Int(value >> 6)] & (1 << UInt64(value & 63)) != 0 }
        // CJK extension ideographs have no decompositions; other supplementary scalars take the slow path.
        return (0x20000...0x2FFFF).contains(value) && !(0x2F800...0x2FA1F).contains(value)
    }
}
