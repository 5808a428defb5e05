import Foundation
import NN

extension ModelFolder {
    /// Loads a language model (best weights) and its vocabulary; every mismatch is an error naming the file.
    public func loadLanguageModel() throws -> (model: LanguageModel, vocabulary: LMVocabulary) {
        let configuration = try readJSON(LMConfiguration.self, from: configPath)
        guard configuration.kind == "language-model" else {
            throw ModelFolderError(path: configPath, reason: "describes a \(configuration.kind), not a language model")
        }
        try configuration.validate(path: configPath)
        let vocabulary = try LMVocabulary(contentsOf: vocabularyPath)
        guard vocabulary.count == configuration.vocabularySize else {
            throw ModelFolderError(path: vocabularyPath, reason: "has \(vocabulary.count) tokens but config.json says \(configuration.vocabularySize)")
        }
        let model = LanguageModel(configuration, seed: 0)
        try model.loadWeights(from: weightsPath)
        model.eval()
        return (model, vocabulary)
    }
}
