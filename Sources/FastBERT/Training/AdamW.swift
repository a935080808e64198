import Foundation

/// AdamW (decoupled weight decay, as in Hugging Face): for every parameter p with gradient g,
///   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
///   p -= lr * (m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + wd * p)
/// The first and second moments live in two zero-initialised copies of the model.
struct AdamW {
    var beta1: Float = 0.9
    var beta2: Float = 0.999
    var epsilon: Float = 1e-8
    var weightDecay: Float
    let parameters: [Parameter]
    var firstMoment: FastBERTModel
    var secondMoment: FastBERTModel
    /// Steps taken so far (t in the bias correction).
    var step: Int = 0
    /// Classifier parameters use learningRate * headRateScale.
    var headRateScale: Float = 1

    init(model: FastBERTModel, parameters: [Parameter], weightDecay: Float) {
        self.parameters = parameters
        self.weightDecay = weightDecay
        firstMoment = model.zeroed(parameters)
        secondMoment = model.zeroed(parameters)
    }

    mutating func update(_ model: inout FastBERTModel, gradients: FastBERTModel, learningRate lr: Float) {
        step += 1
        let correction1 = 1 - Float(Foundation.pow(Double(beta1), Double(step)))
        let correction2 = 1 - Float(Foundation.pow(Double(beta2), Double(step)))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for p in parameters {
            let decay = p.decays ? weightDecay : 0
            let rate: Float
            if case .classifier = p.location { rate = lr * headRateScale } else { rate = lr }
            let gradient = gradients[keyPath: p.path]
            firstMoment.withParameter(p) { mTensor in
                secondMoment.withParameter(p) { vTensor in
                    model.withParameter(p) { wTensor in
                        gradient.withPointer { g in
                            mTensor.withMutablePointer { m in
                                vTensor.withMutablePointer { v in
                                    wTensor.withMutablePointer { w in
                                        adamW(g: g, m: m, v: v, w: w, count: gradient.count, lr: rate, decay: decay, b1: b1, b2: b2,
                                              eps: eps, correction1: correction1, correction2: correction2)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The AdamW update of `count` parameters, eight lanes at a time.
private func adamW(
    g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, w: UnsafeMutablePointer<Float>,
    count: Int, lr: Float, decay: Float, b1: Float, b2: Float, eps: Float, correction1: Float, correction2: Float
) {
    let inverse1 = 1 / correction1, inverse2 = 1 / correction2
    var i = 0
    while i + 8 <= count {
        let gi = load8(g + i)
        let mi = b1 * load8(m + i) + (1 - b1) * gi
        let vi = b2 * load8(v + i) + (1 - b2) * gi * gi
        store8(mi, m + i)
        store8(vi, v + i)
        let wi = load8(w + i)
        let update = (mi * inverse1) / ((vi * inverse2).squareRoot() + eps)
        store8(wi - lr * (update + decay * wi), w + i)
        i += 8
    }
    while i < count {
        m[i] = b1 * m[i] + (1 - b1) * g[i]
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
        let update = (m[i] * inverse1) / ((v[i] * inverse2).squareRoot() + eps)
        w[i] -= lr * (update + decay * w[i])
        i += 1
    }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping.
@discardableResult
func clipGradients(_ gradients: inout FastBERTModel, parameters: [Parameter], maxNorm: Float) -> Float {
    var squares: Double = 0
    for p in parameters {
        let count = gradients[keyPath: p.path].count
        gradients[keyPath: p.path].withPointer { g in
            var sum: Float = 0
            for i in 0..<count { sum += g[i] * g[i] }
            squares += Double(sum)
        }
    }
    let norm = Float(squares.squareRoot())
    if maxNorm > 0, norm > maxNorm {
        let scale = maxNorm / norm
        for p in parameters {
            gradients.withParameter(p) { tensor in
                let count = tensor.count
                tensor.withMutablePointer { g in
                    for i in 0..<count { g[i] *= scale }
                }
            }
        }
    }
    return norm
}

/// Linear warmup from 0 to `peak` over `warmupSteps`, then linear decay to 0 at `totalSteps`.
struct LearningRateSchedule: Sendable, Equatable {
    let peak: Float
    let warmupSteps: Int
    let totalSteps: Int

    func rate(atStep step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let remaining = max(totalSteps - step, 0), decaySteps = max(totalSteps - warmupSteps, 1)
        return peak * Float(remaining) / Float(decaySteps)
    }
}
