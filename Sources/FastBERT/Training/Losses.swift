import Foundation

/// Mean cross-entropy of softmax(logits) against `targets`; writes dLoss/dLogits = (p - onehot) / B.
/// `logits` [B, N] are left unchanged.
func crossEntropyLoss(
    logits: UnsafePointer<Float>, targets: [Int], classes n: Int, gradient: UnsafeMutablePointer<Float>
) -> Float {
    let b = targets.count
    var total: Double = 0
    for s in 0..<b {
        let p = gradient + s * n
        p.update(from: logits + s * n, count: n)
        softmaxInPlace(p, count: n)
        total -= Double(Foundation.log(max(p[targets[s]], 1e-30)))
        p[targets[s]] -= 1
        for i in 0..<n { p[i] /= Float(b) }
    }
    return Float(total / Double(b))
}

/// log softmax of one row, computed stably.
func logSoftmax(_ logits: UnsafePointer<Float>, count n: Int, into out: UnsafeMutablePointer<Float>) {
    var maxValue = -Float.infinity
    for i in 0..<n { maxValue = max(maxValue, logits[i]) }
    var sum: Float = 0
    for i in 0..<n { sum += Foundation.exp(logits[i] - maxValue) }
    let logSum = maxValue + Foundation.log(sum)
    for i in 0..<n { out[i] = logits[i] - logSum }
}

/// Mean over the batch of KL(p_student || p_teacher) = sum_i p_s log(p_s / p_t), the paper's direction.
/// Writes dLoss/dStudentLogits: p_s,j * (log p_s,j - log p_t,j - KL) / B. Teacher log-probabilities are given.
func distillationLoss(
    studentLogits: UnsafePointer<Float>, teacherLogProbabilities: UnsafePointer<Float>, batch b: Int, classes n: Int,
    gradient: UnsafeMutablePointer<Float>
) -> Float {
    var total: Double = 0
    var logStudent = [Float](repeating: 0, count: n)
    for s in 0..<b {
        logSoftmax(studentLogits + s * n, count: n, into: &logStudent)
        let logTeacher = teacherLogProbabilities + s * n, g = gradient + s * n
        var kl: Float = 0
        for i in 0..<n { kl += Foundation.exp(logStudent[i]) * (logStudent[i] - logTeacher[i]) }
        for i in 0..<n { g[i] = Foundation.exp(logStudent[i]) * (logStudent[i] - logTeacher[i] - kl) / Float(b) }
        total += Double(kl)
    }
    return Float(total / Double(b))
}
