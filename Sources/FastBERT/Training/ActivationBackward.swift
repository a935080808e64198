import Foundation

/// dx = dy * gelu'(x) for exact GELU: gelu'(x) = Phi(x) + x * phi(x). `dx` may alias `dy`.
func geluBackward(outputGradient dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, count: Int,
                  inputGradient dx: UnsafeMutablePointer<Float>) {
    let invSqrt2: Float = 0.70710678118654752, invSqrt2Pi: Float = 0.39894228040143268
    var i = 0
    while i + 8 <= count {
        let v = load8(x + i)
        let cdf = 0.5 * (1 + erf8(v * invSqrt2))
        let pdf = exp8(-0.5 * v * v) * invSqrt2Pi
        store8(load8(dy + i) * (cdf + v * pdf), dx + i)
        i += 8
    }
    while i < count {
        let v = x[i]
        let cdf = 0.5 * (1 + erfScalar(v * invSqrt2))
        let pdf = expScalar(-0.5 * v * v) * invSqrt2Pi
        dx[i] = dy[i] * (cdf + v * pdf)
        i += 1
    }
}

/// dx = dy * (1 - y^2) where y = tanh(x) is the forward output. `dx` may alias `dy`.
func tanhBackward(outputGradient dy: UnsafePointer<Float>, output y: UnsafePointer<Float>, count: Int,
                  inputGradient dx: UnsafeMutablePointer<Float>) {
    for i in 0..<count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
}

/// Inverted dropout: each value is kept with probability 1 - p and scaled by 1 / (1 - p).
/// The mask holds the multiplier (0 or 1 / (1 - p)), so backward is the same product.
func fillDropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, probability p: Float, rng: inout SeededRandom) {
    let scale = 1 / (1 - p)
    for i in 0..<count { mask[i] = rng.nextUnit() < p ? 0 : scale }
}

func multiplyInPlace(_ x: UnsafeMutablePointer<Float>, by mask: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { x[i] *= mask[i] }
}
