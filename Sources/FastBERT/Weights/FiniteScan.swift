/// The index of the first NaN or infinity in `values`, or nil. Eight lanes at a time: a float is
/// not finite exactly when its exponent bits are all ones, so the largest |bits| tells.
func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
    guard let base = values.baseAddress else { return nil }
    let exponent: UInt32 = 0x7F80_0000
    var largest = SIMD8<UInt32>(repeating: 0)
    var i = 0
    base.withMemoryRebound(to: UInt32.self, capacity: values.count) { bits in
        while i + 8 <= values.count {
            let lanes = UnsafeRawPointer(bits + i).loadUnaligned(as: SIMD8<UInt32>.self) & 0x7FFF_FFFF
            largest = pointwiseMax(largest, lanes)
            i += 8
        }
    }
    let tailIsFinite = values[i...].allSatisfy(\.isFinite)
    if largest.max() < exponent, tailIsFinite { return nil }
    return values.firstIndex { !$0.isFinite }
}
