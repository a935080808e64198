/// Stage 2's forward and backward over one batch: the backbone and teacher are frozen, so the
/// hidden states come from the inference encoder once, the teacher gives target distributions,
/// and each student l (reading layer l+1) is differentiated on KL(p_student_l || p_teacher).
final class DistillationGraph {
    let config: BertConfig
    let matrixThreads: MatrixThreads
    let studentCache = ClassifierCache(), teacherCache = ClassifierCache()
    let logits = Buffer(), logitsGradient = Buffer(), teacherLogProbabilities = Buffer()

    init(config: BertConfig, threads: Int) {
        self.config = config
        matrixThreads = MatrixThreads(threads)
    }

    /// Adds the gradients of sum_l KL_l to the students' entries in `gradients`; returns KL_l per student.
    func step(model: FastBERTModel, batch: PackedBatch, hiddenStates: [Tensor], gradients: inout FastBERTModel) -> [Float] {
        let n = config.fastbert.numLabels, b = batch.count, heads = config.fastbert.classifierHeads
        let teacherIndex = config.numLayers - 1
        matrixThreads.alone()
        let z = logits.reserve(b * n), dz = logitsGradient.reserve(b * n)
        let teacherLog = teacherLogProbabilities.reserve(b * n)
        hiddenStates[teacherIndex + 1].withPointer { x in
            classifierTrainingForward(model.classifiers[teacherIndex], heads: heads, hidden: x, starts: batch.starts,
                                      lengths: batch.lengths, cache: teacherCache, logits: z)
        }
        for s in 0..<b { logSoftmax(z + s * n, count: n, into: teacherLog + s * n) }

        var losses: [Float] = []
        for student in 0..<teacherIndex {
            hiddenStates[student + 1].withPointer { x in
                classifierTrainingForward(model.classifiers[student], heads: heads, hidden: x, starts: batch.starts,
                                          lengths: batch.lengths, cache: studentCache, logits: z)
                losses.append(distillationLoss(studentLogits: z, teacherLogProbabilities: teacherLog, batch: b, classes: n,
                                               gradient: dz))
                classifierTrainingBackward(model.classifiers[student], heads: heads, hidden: x, starts: batch.starts,
                                           lengths: batch.lengths, cache: studentCache, logitsGradient: dz,
                                           weightGradient: &gradients.classifiers[student], inputGradient: nil)
            }
        }
        return losses
    }
}
