import ArgumentParser

/// `glimpse lm ...`: character- and word-level language models.
struct LanguageModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Train recurrent language models, sample text from them, score sentences, look at single units.",
        subcommands: [LMTrain.self, LMSample.self, LMScore.self, LMNeurons.self]
    )
}

/// Which model folder a command reads: `--model DIR`, or the bundled Shakespeare model.
struct ModelOption: ParsableArguments {
    @Option(name: .long, help: "Model folder (default: the bundled models/shakespeare).")
    var model: String?

    func resolve() throws -> String {
        if let model { return model }
        guard let found = ModelLocation.bundled("shakespeare") else {
            throw ValidationError("no --model given and the bundled models/shakespeare was not found; train one with `glimpse lm train data/tinyshakespeare.txt --out models/shakespeare` or pass --model DIR")
        }
        return found
    }
}
