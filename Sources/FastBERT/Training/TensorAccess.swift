/// Raw-pointer access to a Tensor's values, so kernels can read weights and write gradients.
extension Tensor {
    @inline(__always)
    func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try data.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    @inline(__always)
    mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try data.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    /// Sets every value to zero without reallocating.
    mutating func zero() {
        let n = count
        withMutablePointer { $0.update(repeating: 0, count: n) }
    }
}
