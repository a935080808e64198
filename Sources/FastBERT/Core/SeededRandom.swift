/// A small deterministic generator (SplitMix64) so runs with the same seed give the same numbers.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Standard normal (Box-Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(nextUnit(), 1e-7), u2 = nextUnit()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Float.pi * u2)
    }
}

@inline(__always) private func _log(_ x: Float) -> Float { Float(log(Double(x))) }
@inline(__always) private func _cos(_ x: Float) -> Float { Float(cos(Double(x))) }

#if canImport(Glibc)
import Glibc
#endif
