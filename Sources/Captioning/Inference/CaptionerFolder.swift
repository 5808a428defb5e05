import Foundation
import ImageIO
import NN

extension ModelFolder {
    /// Loads a captioner (best weights) and its vocabulary; every problem is an error naming the file.
    public func loadCaptioner() throws -> (model: Captioner, vocabulary: Vocabulary) {
        let configuration = try readJSON(CaptionerConfiguration.self, from: configPath)
        guard configuration.kind == "captioner" else {
            throw ModelFolderError(path: configPath, reason: "describes a \(configuration.kind), not a captioner")
        }
        try configuration.validate(path: configPath)
        let vocabulary = try Vocabulary.load(from: vocabularyPath, expectedCount: configuration.vocabularySize)
        let model = Captioner(configuration, seed: 0)
        try model.loadWeights(from: weightsPath)
        model.eval()
        return (model, vocabulary)
    }
}
