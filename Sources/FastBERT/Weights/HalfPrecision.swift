/// Conversions from the 16-bit float formats safetensors files use.
@inline(__always)
func floatFromBFloat16(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

@inline(__always)
func floatFromFloat16(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x3FF)
    if exponent == 0 {
        // Zero or subnormal: value = mantissa * 2^-24.
        let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign == 0 ? magnitude : -magnitude
    }
    if exponent == 0x1F {
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

@inline(__always)
func bfloat16FromFloat(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    if value.isNaN { return 0x7FC0 }
    let rounding = ((bits >> 16) & 1) + 0x7FFF
    return UInt16((bits &+ rounding) >> 16)
}

@inline(__always)
func float16FromFloat(_ value: Float) -> UInt16 {
    Float16(value).bitPattern
}
