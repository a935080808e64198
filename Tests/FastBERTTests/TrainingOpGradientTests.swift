import XCTest

@testable import FastBERT

/// Every elementary backward op against central finite differences.
final class TrainingOpGradientTests: XCTestCase {
    func testLinearBackward() {
        let rows = 3, inF = 5, outF = 4
        let x = GradientCheck.random(rows * inF, seed: 1)
        let w = LinearWeights.randomTest(out: outF, in: inF, seed: 2)
        let r = GradientCheck.random(rows * outF, seed: 3)
        func loss(_ x: [Float], _ w: LinearWeights) -> Double {
            var y = [Float](repeating: 0, count: rows * outF)
            linear(x, rows: rows, weight: w.weight, bias: w.bias, into: &y)
            return GradientCheck.weightedSum(y, r)
        }
        var gradient = w.zeroGradient
        var dx = [Float](repeating: 0, count: rows * inF)
        linearBackward(outputGradient: r, input: x, rows: rows, weight: w.weight, gradient: &gradient, inputGradient: &dx)
        GradientCheck.assertMatches("dx", values: x, analytic: dx) { loss($0, w) }
        GradientCheck.assertMatches("dW", values: w.weight.data, analytic: gradient.weight.data) {
            var changed = w
            changed.weight.data = $0
            return loss(x, changed)
        }
        GradientCheck.assertMatches("db", values: w.bias.data, analytic: gradient.bias.data) {
            var changed = w
            changed.bias.data = $0
            return loss(x, changed)
        }
    }

    func testLayerNormBackward() {
        let rows = 3, cols = 6
        let x = GradientCheck.random(rows * cols, seed: 4, scale: 2)
        let norm = LayerNormWeights(gamma: Tensor(shape: [cols], data: GradientCheck.random(cols, seed: 5).map { 1 + 0.3 * $0 }),
                                    beta: Tensor(shape: [cols], data: GradientCheck.random(cols, seed: 6, scale: 0.2)))
        let r = GradientCheck.random(rows * cols, seed: 7)
        func loss(_ x: [Float], _ n: LayerNormWeights) -> Double {
            var xhat = [Float](repeating: 0, count: rows * cols), rstd = [Float](repeating: 0, count: rows)
            var y = xhat
            layerNormForward(x, rows: rows, cols: cols, weights: n, eps: 1e-12, normalized: &xhat, inverseStd: &rstd, output: &y)
            return GradientCheck.weightedSum(y, r)
        }
        var xhat = [Float](repeating: 0, count: rows * cols), rstd = [Float](repeating: 0, count: rows), y = xhat
        layerNormForward(x, rows: rows, cols: cols, weights: norm, eps: 1e-12, normalized: &xhat, inverseStd: &rstd, output: &y)
        var gradient = LayerNormWeights(gamma: Tensor(zeros: [cols]), beta: Tensor(zeros: [cols]))
        var dx = [Float](repeating: 0, count: rows * cols)
        layerNormBackward(outputGradient: r, normalized: xhat, inverseStd: rstd, rows: rows, cols: cols, weights: norm,
                          gradient: &gradient, inputGradient: &dx)
        GradientCheck.assertMatches("dx", values: x, analytic: dx, epsilon: 3e-3) { loss($0, norm) }
        GradientCheck.assertMatches("dgamma", values: norm.gamma.data, analytic: gradient.gamma.data) {
            loss(x, LayerNormWeights(gamma: Tensor(shape: [cols], data: $0), beta: norm.beta))
        }
        GradientCheck.assertMatches("dbeta", values: norm.beta.data, analytic: gradient.beta.data) {
            loss(x, LayerNormWeights(gamma: norm.gamma, beta: Tensor(shape: [cols], data: $0)))
        }
    }

    func testGeluBackward() {
        let x = GradientCheck.random(21, seed: 8, scale: 2), r = GradientCheck.random(21, seed: 9)
        var dx = [Float](repeating: 0, count: 21)
        geluBackward(outputGradient: r, input: x, count: 21, inputGradient: &dx)
        GradientCheck.assertMatches("gelu", values: x, analytic: dx, epsilon: 3e-3) { x in
            var y = x
            geluInPlace(&y, count: y.count)
            return GradientCheck.weightedSum(y, r)
        }
    }

    func testTanhBackward() {
        let x = GradientCheck.random(13, seed: 10, scale: 1.5), r = GradientCheck.random(13, seed: 11)
        var y = x
        tanhInPlace(&y, count: 13)
        var dx = [Float](repeating: 0, count: 13)
        tanhBackward(outputGradient: r, output: y, count: 13, inputGradient: &dx)
        GradientCheck.assertMatches("tanh", values: x, analytic: dx, epsilon: 3e-3) { x in
            var y = x
            tanhInPlace(&y, count: y.count)
            return GradientCheck.weightedSum(y, r)
        }
    }

    func testSoftmaxCrossEntropyBackward() {
        let classes = 4, targets = [2, 0, 3]
        let logits = GradientCheck.random(targets.count * classes, seed: 12, scale: 2)
        var gradient = [Float](repeating: 0, count: logits.count)
        let loss = crossEntropyLoss(logits: logits, targets: targets, classes: classes, gradient: &gradient)
        XCTAssertGreaterThan(loss, 0)
        GradientCheck.assertMatches("dlogits", values: logits, analytic: gradient, epsilon: 3e-3) { z in
            var scratch = [Float](repeating: 0, count: z.count)
            return Double(crossEntropyLoss(logits: z, targets: targets, classes: classes, gradient: &scratch))
        }
    }

    func testDistillationKLBackward() {
        let classes = 3, batch = 4
        let student = GradientCheck.random(batch * classes, seed: 13, scale: 2)
        let teacherLogits = GradientCheck.random(batch * classes, seed: 14, scale: 2)
        var teacherLog = [Float](repeating: 0, count: batch * classes)
        for s in 0..<batch {
            teacherLogits.withUnsafeBufferPointer { t in
                teacherLog.withUnsafeMutableBufferPointer { out in
                    logSoftmax(t.baseAddress! + s * classes, count: classes, into: out.baseAddress! + s * classes)
                }
            }
        }
        var gradient = [Float](repeating: 0, count: batch * classes)
        let kl = distillationLoss(studentLogits: student, teacherLogProbabilities: teacherLog, batch: batch, classes: classes,
                                  gradient: &gradient)
        XCTAssertGreaterThan(kl, 0)
        var zeroGradient = gradient
        XCTAssertEqual(distillationLoss(studentLogits: teacherLogits, teacherLogProbabilities: teacherLog, batch: batch,
                                        classes: classes, gradient: &zeroGradient), 0, accuracy: 1e-6)
        GradientCheck.assertMatches("dstudent", values: student, analytic: gradient, epsilon: 3e-3) { z in
            var scratch = [Float](repeating: 0, count: z.count)
            return Double(distillationLoss(studentLogits: z, teacherLogProbabilities: teacherLog, batch: batch,
                                           classes: classes, gradient: &scratch))
        }
    }
}
