import Foundation

// Vectorized exp, erf and tanh. libm's scalar calls dominate softmax, GELU and classifier time otherwise.
// exp: Cephes expf range reduction and polynomial (rel. error ~1e-7 on [-87, 88]).
// erf: the rational approximation used by Eigen and XLA (abs. error ~1e-7 after clamping to [-4, 4]).
// tanh: odd Taylor series near 0, 1 - 2 / (exp(2|x|) + 1) elsewhere (abs. error ~2e-7).

typealias Float8 = SIMD8<Float>

@inline(__always)
func exp8(_ input: Float8) -> Float8 {
    let x = clamp8(input, -87.3, 88.3)
    // Adding 1.5 * 2^23 rounds to the nearest integer and leaves it in the low mantissa bits.
    let magic = Float8(repeating: 12_582_912)
    let shifted = x * 1.44269504088896341 + magic
    let n = shifted - magic
    var r = x - n * 0.693359375
    r = r - n * -2.12194440e-4
    var y = Float8(repeating: 1.9875691500e-4)
    y = y * r + 1.3981999507e-3
    y = y * r + 8.3334519073e-3
    y = y * r + 4.1665795894e-2
    y = y * r + 1.6666665459e-1
    y = y * r + 5.0000001201e-1
    y = y * (r * r) + r + 1
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    return y * unsafeBitCast((integer &+ 127) &<< 23, to: Float8.self)
}

@inline(__always)
func erf8(_ input: Float8) -> Float8 {
    let x = clamp8(input, -4, 4)
    let x2 = x * x
    var p = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
    p = p * x2 + -2.10102402082508e-06
    p = p * x2 + -5.69250639462346e-05
    p = p * x2 + -7.34990630326855e-04
    p = p * x2 + -2.95459980854025e-03
    p = p * x2 + -1.60960333262415e-02
    p = p * x
    var q = x2 * -1.45660718464996e-05 + -2.13374055278905e-04
    q = q * x2 + -1.68282697438203e-03
    q = q * x2 + -7.37332916720468e-03
    q = q * x2 + -1.42647390514189e-02
    return p / q
}

@inline(__always)
func tanh8(_ x: Float8) -> Float8 {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    let magnitude = unsafeBitCast(bits & 0x7FFF_FFFF, to: Float8.self)
    let sign = bits & 0x8000_0000
    // Past 10, tanh rounds to 1 in float; the clamp keeps exp finite.
    let large = 1 - 2 / (exp8(clamp8(magnitude, 0, 10) * 2) + 1)
    // Below 0.25 the first omitted series term (1382/155925 x^11) is under 1e-9.
    let x2 = magnitude * magnitude
    var series = x2 * (62.0 / 2835.0) - 17.0 / 315.0
    series = series * x2 + 2.0 / 15.0
    series = series * x2 - 1.0 / 3.0
    let small = magnitude + magnitude * x2 * series
    let result = large.replacing(with: small, where: magnitude .< 0.25)
    return unsafeBitCast(unsafeBitCast(result, to: SIMD8<UInt32>.self) | sign, to: Float8.self)
}

/// Clamps with compare-and-blend; the standard library's pointwiseMin/Max handle NaN lane by lane
/// and compile to scalar code.
@inline(__always)
func clamp8(_ x: Float8, _ low: Float, _ high: Float) -> Float8 {
    let lowVector = Float8(repeating: low), highVector = Float8(repeating: high)
    return x.replacing(with: lowVector, where: x .< lowVector).replacing(with: highVector, where: x .> highVector)
}

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

@inline(__always)
func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}

/// Scalar exp matching `exp8`, for tails.
@inline(__always)
func expScalar(_ x: Float) -> Float { exp8(Float8(repeating: x))[0] }

@inline(__always)
func tanhScalar(_ x: Float) -> Float { tanh8(Float8(repeating: x))[0] }

@inline(__always)
func erfScalar(_ x: Float) -> Float { erf8(Float8(repeating: x))[0] }
