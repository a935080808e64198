import Jobs
import Pipeline

// Temporary until the pipeline takes a ModelBundle directly.
extension ModelBundle {
    var pipelineModel: LoadedModel { LoadedModel(model: model, tokenizer: tokenizer, maxLength: maxLength, modelId: modelId, threads: threads) }
}
