import ArgumentParser
import FastBERT
import Foundation
import Jobs
import Pipeline

/// The model folder.
struct ModelOptions: ParsableArguments {
    static let demoModel = "models/demo"

    @Option(help: "Model folder (config.json, model.safetensors, vocab.txt/tokenizer.json).")
    var model: String = demoModel

    /// Loads the folder into a bundle, with a hint when the default demo model was never built.
    func bundle(
        threads: ThreadsOptions, tokens: TokenLimitOptions, requiring requirement: ModelBundle.Requirement = .classifiers
    ) throws -> ModelBundle {
        do {
            return try ModelBundle.load(
                directory: model, maxLength: tokens.maxLength, threads: threads.threads, requiring: requirement)
        } catch .notFound(let directory) where directory.hasSuffix(Self.demoModel) {
            throw CommandFailure("model folder '\(directory)' not found. Run scripts/train-demo-model (or scripts/demo, "
                + "which also builds and runs the demo), or pass --model DIR.")
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// How many tokens of each input the model reads.
struct TokenLimitOptions: ParsableArguments {
    @Option(help: "Maximum tokens per input, [CLS] and [SEP] included (longer inputs are truncated).")
    var maxLength: Int = ModelBundle.defaultMaxLength

    func validate() throws {
        guard maxLength >= 2 else { throw ValidationError("--max-length must be at least 2") }
    }
}

/// Threads for the engine's matrix products: the one default, passed to every engine the command builds.
struct ThreadsOptions: ParsableArguments {
    @Option(help: "Threads for matrix products (with several, each runs a shard of the batch).")
    var threads: Int = 2

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }
}

/// When a sample leaves: the paper's entropy threshold (`--speed`) or the policy `fastbert
/// calibrate` wrote into the model folder (`--exit calibrated`).
struct SpeedOptions: ParsableArguments {
    enum Exit: String, ExpressibleByArgument, CaseIterable {
        case speed, calibrated
    }

    @Option(help: "Exit threshold on normalized entropy: 0 = full depth (teacher only), higher = earlier exits.")
    var speed: Float = ProcessingSettings.Defaults.speed

    @Option(help: "Exit criterion: speed (the paper's entropy threshold, --speed) or calibrated (the model folder's exit-policy.json, from `fastbert calibrate`).")
    var exit: Exit = .speed

    func validate() throws {
        guard (0...1).contains(speed) else { throw ValidationError("--speed must be in [0, 1]") }
    }

    /// The setting for this bundle; `--exit calibrated` needs the folder's exit-policy.json.
    func setting(for bundle: ModelBundle, folder: String) throws -> ExitSetting {
        switch exit {
        case .speed:
            return .speed(speed, layers: bundle.numLayers)
        case .calibrated:
            return try Self.calibrated(bundle, folder: folder)
        }
    }

    /// The folder's calibrated policy, with (`warn`) its verdict on stderr when it found nothing that pays.
    static func calibrated(_ bundle: ModelBundle, folder: String, warn: Bool = true) throws -> ExitSetting {
        guard let calibrated = bundle.calibratedExit else {
            throw CommandFailure(
                "--exit calibrated: '\(folder)' has no \(CalibratedExit.fileName); run `fastbert calibrate --model \(folder) --data DEV`")
        }
        if warn, !calibrated.paysOff { printStatus("warning: \(calibrated.summary)") }
        return ExitSetting(name: "calibrated", speed: nil, policy: calibrated.policy)
    }
}

/// How many inputs the engine takes at once (a micro-batch limit in serve and replay).
struct BatchOptions: ParsableArguments {
    @Option(name: [.customLong("max-batch"), .customLong("batch-size")], help: "Inputs per engine batch.")
    var maxBatch: Int = ProcessingSettings.Defaults.maxBatch

    func validate() throws {
        guard maxBatch > 0 else { throw ValidationError("--max-batch must be positive") }
    }
}
