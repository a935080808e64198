import Foundation

/// The loop both stages share: epochs of shuffled mini-batches, gradients from a stage-specific
/// closure, gradient clipping, AdamW with warmup + linear decay, progress (to a `ProgressSink`),
/// checkpoints, resume.
///
/// Determinism: epoch e visits examples in the order `order(epoch: e)`; step s draws its dropout
/// masks from `stepRandom(s)`. Both depend only on the seed, so a run resumed at step s
/// continues exactly as the uninterrupted run would.
/// See `TrainingLoop.afterEpoch`.
public typealias EpochHook = (_ epoch: Int, _ model: FastBERTModel, _ meanLoss: Float) throws -> Bool

final class TrainingLoop {
    /// Computes the gradients of the batch's mean loss into `gradients`; returns the loss.
    typealias GradientFunction = (
        _ model: FastBERTModel, _ batch: [Int], _ rng: inout SeededRandom, _ gradients: inout FastBERTModel
    ) throws -> Float

    let stage: String
    let options: TrainingOptions
    let parameters: [Parameter]
    let tokenCounts: [Int]
    let checkpointDirectory: String?
    let tokenizerSource: String?
    /// Receives a progress update after every step and the resume status line.
    let progress: ProgressSink
    var model: FastBERTModel
    var optimizer: AdamW
    var state: Checkpoint.State
    /// Called after each epoch with its number (1-based), the model and the epoch's mean loss;
    /// returning false ends the stage there (early stopping).
    var afterEpoch: EpochHook?

    var stepsPerEpoch: Int { (tokenCounts.count + options.batchSize - 1) / options.batchSize }

    init(
        stage: String, model: FastBERTModel, parameters: [Parameter], tokenCounts: [Int], options: TrainingOptions,
        checkpointDirectory: String?, tokenizerSource: String?, progress: ProgressSink
    ) {
        self.stage = stage
        self.model = model
        self.parameters = parameters
        self.tokenCounts = tokenCounts
        self.options = options
        self.checkpointDirectory = checkpointDirectory
        self.tokenizerSource = tokenizerSource
        self.progress = progress
        optimizer = AdamW(model: model, parameters: parameters, weightDecay: options.weightDecay)
        optimizer.headRateScale = options.headLearningRate.map { $0 / options.learningRate } ?? 1
        let steps = (tokenCounts.count + options.batchSize - 1) / options.batchSize * options.epochs
        state = Checkpoint.State(stage: stage, step: 0, totalSteps: steps, examples: tokenCounts.count, options: options,
                                 epochLosses: [], epochLossSum: 0, epochLossSteps: 0)
    }

    /// Continues from the latest complete checkpoint at `checkpointDirectory` (the previous one
    /// if a crash interrupted a save); the options and data size must match.
    func resume() throws {
        guard let checkpointDirectory, let directory = Checkpoint.latest(checkpointDirectory) else { return }
        let saved = try Checkpoint.loadState(directory)
        var expected = options, found = saved.options
        expected.stopAfterSteps = nil
        found.stopAfterSteps = nil
        guard saved.stage == stage, saved.examples == tokenCounts.count, found == expected else {
            throw TrainingError.checkpointMismatch(directory)
        }
        model = try ModelDirectory.load(Checkpoint.modelDirectory(directory))
        try Checkpoint.loadOptimizer(directory, into: &optimizer)
        state = saved
        progress.status("\(stage): resuming from \(directory) at step \(saved.step)/\(saved.totalSteps)")
    }

    func order(epoch: Int) -> [Int] {
        var rng = SeededRandom(seed: mix(options.seed, 0x6F72_6465_7200 &+ UInt64(epoch)))
        return Array(0..<tokenCounts.count).shuffled(using: &rng)
    }

    func stepRandom(_ step: Int) -> SeededRandom {
        SeededRandom(seed: mix(options.seed, 0x7374_6570_0000_0000 &+ UInt64(step)))
    }

    func run(_ gradientOf: GradientFunction) throws -> TrainingReport {
        let schedule = LearningRateSchedule(
            peak: options.learningRate, warmupSteps: Int((Float(state.totalSteps) * options.warmup).rounded()),
            totalSteps: state.totalSteps)
        var gradients = model.zeroed(parameters)
        let firstStep = state.step
        var stoppedAfterEpoch: Int?
        var examples = 0, tokens = 0
        var recent: [Float] = []
        var epochOrder: (epoch: Int, order: [Int])?
        let started = Date()
        while state.step < state.totalSteps {
            let epoch = state.step / stepsPerEpoch, within = state.step % stepsPerEpoch
            if epochOrder?.epoch != epoch { epochOrder = (epoch, order(epoch: epoch)) }
            let order = epochOrder!.order
            let batch = Array(order[(within * options.batchSize)..<min((within + 1) * options.batchSize, order.count)])
            gradients.zeroGradients(parameters)
            var rng = stepRandom(state.step)
            let loss = try gradientOf(model, batch, &rng, &gradients)
            clipGradients(&gradients, parameters: parameters, maxNorm: options.maxGradientNorm)
            optimizer.update(&model, gradients: gradients, learningRate: schedule.rate(atStep: state.step))
            state.step += 1
            examples += batch.count
            tokens += batch.reduce(0) { $0 + tokenCounts[$1] }
            state.epochLossSum += Double(loss)
            state.epochLossSteps += 1
            recent.append(loss)
            if recent.count > 50 { recent.removeFirst() }

            let seconds = Date().timeIntervalSince(started)
            let running = recent.reduce(0, +) / Float(recent.count)
            progress.update(state.step - firstStep, state.totalSteps - firstStep, String(
                format: "epoch %d  loss %.4f  %.0f ex/s  %.0f tok/s  lr %.2e", epoch + 1, running,
                Double(examples) / seconds, Double(tokens) / seconds, schedule.rate(atStep: state.step - 1)))

            let epochDone = state.step % stepsPerEpoch == 0
            var converged = false
            if epochDone {
                let epochLoss = Float(state.epochLossSum / Double(max(state.epochLossSteps, 1)))
                state.epochLosses.append(epochLoss)
                state.epochLossSum = 0
                state.epochLossSteps = 0
                if let afterEpoch, try !afterEpoch(state.step / stepsPerEpoch, model, epochLoss) {
                    converged = true
                    stoppedAfterEpoch = state.step / stepsPerEpoch
                }
            }
            let periodic = options.checkpointEvery.map { state.step % $0 == 0 } ?? false
            let stopping = options.stopAfterSteps.map { state.step >= $0 } ?? false
            if epochDone || periodic || stopping { try saveCheckpoint() }
            if stopping || converged { break }
        }
        let seconds = Date().timeIntervalSince(started)
        return TrainingReport(
            steps: state.step, examplesSeen: examples, tokensSeen: tokens, seconds: seconds, epochLosses: state.epochLosses,
            recentLoss: recent.isEmpty ? .nan : recent.reduce(0, +) / Float(recent.count),
            completed: state.step >= state.totalSteps || stoppedAfterEpoch != nil, stoppedAfterEpoch: stoppedAfterEpoch)
    }

    func saveCheckpoint() throws {
        guard let checkpointDirectory else { return }
        try Checkpoint.save(model: model, optimizer: optimizer, state: state, to: checkpointDirectory,
                            tokenizerSource: tokenizerSource)
    }
}

/// Two numbers hashed into a well-mixed seed (SplitMix64 finalizer), so nearby steps get unrelated streams.
func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var z = a ^ (b &* 0xD1B5_4A32_D192_ED03)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

public enum TrainingError: Error, CustomStringConvertible {
    case checkpointMismatch(String)
    case noLabels(String)
    case unknownLabels([String])
    case needsTrainedTeacher(String)
    case tooFewExamples(Int)
    case tooFewTexts(Int)

    public var description: String {
        switch self {
        case .checkpointMismatch(let dir):
            "checkpoint \(dir) was made with other options or data; remove it or drop --resume"
        case .noLabels(let file): "\(file) has no labels"
        case .unknownLabels(let labels):
            "labels not known to the model: \(labels.prefix(5).joined(separator: ", "))\(labels.count > 5 ? ", ..." : "")"
        case .needsTrainedTeacher(let status): "distillation needs a trained teacher: \(status)"
        case .tooFewExamples(let n): "need at least 2 labelled examples, got \(n)"
        case .tooFewTexts(let n): "need at least 2 texts to distill on, got \(n)"
        }
    }
}
