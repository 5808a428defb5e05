import ArgumentParser
import Foundation
import LanguageModeling
import NN

/// `glimpse lm train FILE`: trains a language model into a folder, resumable.
struct LMTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a character- or word-level language model on a UTF-8 text file.")

    @Argument(help: "Training text (UTF-8).")
    var file: String

    @Option(help: "Validation text; default: the last --val-fraction of the training text.")
    var val: String?

    @Option(help: "Output model folder.")
    var out: String

    @Option(help: "Token level: character or word.")
    var level: TokenLevel = .character

    @Option(help: "Recurrent cell: rnn (Elman), jordan, gru or lstm.")
    var cell: CellKind = .lstm

    @Option(help: "Stacked recurrent layers.")
    var layers = 2

    @Option(help: "Hidden units per layer.")
    var hidden = 256

    @Option(help: "Embedding size.")
    var embedding = 64

    @Option(help: "Dropout on the embedding, between layers and before the output layer.")
    var dropout: Float = 0

    @Option(name: .customLong("seq-length"), help: "Steps of truncated backpropagation through time.")
    var sequenceLength = 64

    @Option(name: .customLong("batch-size"), help: "Parallel streams (the text is cut into this many).")
    var batchSize = 32

    @Option(help: "Epochs (passes over the training text).")
    var epochs: Int?

    @Option(help: "Optimizer: sgd, adam, rmsprop or adagrad.")
    var optimizer: OptimizerKind = .adam

    @Option(name: .customLong("learning-rate"), help: "Initial learning rate.")
    var learningRate: Float = 2e-3

    @Option(name: .customLong("lr-decay"), help: "Multiply the learning rate by this each epoch after --lr-decay-after.")
    var decay: Float = 1

    @Option(name: .customLong("lr-decay-after"), help: "Epochs before the decay starts.")
    var decayAfter = 0

    @Option(name: .customLong("lr-plateau"), help: "Multiply the learning rate by this when validation loss does not improve (0: off).")
    var plateau: Float = 0

    @Option(name: .customLong("grad-clip"), help: "Clip the global gradient norm to this (0: off).")
    var gradientClip: Float = 5

    @Option(name: .customLong("init-range"), help: "Initialise every weight uniformly in ±this (0: PyTorch defaults).")
    var initRange: Float = 0

    @Option(name: .customLong("val-fraction"), help: "Fraction of the text held out for validation when --val is not given.")
    var validationFraction: Double = 0.1

    @Option(name: .customLong("min-count"), help: "Word level: words seen fewer times become <unk>.")
    var minimumCount = 1

    @Option(name: .customLong("max-vocab"), help: "Largest vocabulary, <unk> included.")
    var maximumVocabulary: Int?

    @Option(help: "Stop after this many epochs without a better validation loss (0: never).")
    var patience = 0

    @Option(name: .customLong("time-limit"), help: "Stop after this many seconds of training (0: no limit).")
    var timeLimit: Double?

    @Option(name: .customLong("checkpoint-every"), help: "Also checkpoint every N batches (0: after each epoch only).")
    var checkpointEvery = 0

    @Option(help: "Seed for initialisation and dropout.")
    var seed: UInt64 = 0

    @Flag(help: "Continue the run in --out from its checkpoint, with its saved settings.")
    var resume = false

    func validate() throws {
        guard layers >= 1, hidden >= 1, embedding >= 1 else { throw ValidationError("--layers, --hidden and --embedding must be positive") }
        guard sequenceLength >= 1, batchSize >= 1 else { throw ValidationError("--seq-length and --batch-size must be positive") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive") }
        guard validationFraction > 0 && validationFraction < 1 else { throw ValidationError("--val-fraction must be in (0, 1)") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        guard plateau == 0 || (plateau > 0 && plateau < 1) else { throw ValidationError("--lr-plateau must be 0 (off) or in (0, 1)") }
        guard decay > 0 else { throw ValidationError("--lr-decay must be positive") }
        guard decayAfter >= 0, patience >= 0, checkpointEvery >= 0, gradientClip >= 0, initRange >= 0 else {
            throw ValidationError("--lr-decay-after, --patience, --checkpoint-every, --grad-clip and --init-range must not be negative")
        }
        if let maximumVocabulary, maximumVocabulary < 2 { throw ValidationError("--max-vocab must be at least 2") }
        guard minimumCount >= 1 else { throw ValidationError("--min-count must be at least 1") }
        if let timeLimit, timeLimit < 0 { throw ValidationError("--time-limit must not be negative") }
    }

    func run() throws {
        let folder = ModelFolder(out)
        let settingsPath = out + "/training.json"
        var options = LMTrainingOptions()
        var configuration: LMConfiguration
        var vocabulary: LMVocabulary
        let corpus = try TextCorpus(path: file)
        if resume && FileManager.default.fileExists(atPath: settingsPath) {
            options = try folder.readJSON(LMTrainingOptions.self, from: settingsPath)
            configuration = try folder.readJSON(LMConfiguration.self, from: folder.configPath)
            vocabulary = try LMVocabulary(contentsOf: folder.vocabularyPath)
            if let epochs { options.epochs = epochs }
            if let timeLimit { options.timeLimit = timeLimit }
        } else {
            options.epochs = epochs ?? 10
            options.batchSize = batchSize; options.sequenceLength = sequenceLength
            options.optimizer = optimizer; options.learningRate = learningRate
            options.decay = decay; options.decayAfter = decayAfter; options.plateauFactor = plateau
            options.gradientClip = gradientClip; options.initRange = initRange; options.seed = seed
            options.validationFraction = validationFraction; options.patience = patience
            options.timeLimit = timeLimit ?? 0; options.checkpointEvery = checkpointEvery
            vocabulary = LMVocabulary.build(from: trainingTokens(corpus, options: options), level: level,
                                            minimumCount: minimumCount, maximumSize: maximumVocabulary)
            configuration = LMConfiguration(level: level, cell: cell, layers: layers, hidden: hidden, embedding: embedding,
                                            dropout: dropout, vocabularySize: vocabulary.count)
            try folder.create()
            try folder.writeJSON(configuration, to: folder.configPath)
            try vocabulary.write(to: folder.vocabularyPath)
            try folder.writeJSON(options, to: settingsPath)
        }
        let allTokens = corpus.tokens(level: configuration.level)
        let (trainTokens, validationTokens) = try split(allTokens, corpus: corpus, options: options, level: configuration.level)
        let unknown = trainTokens.filter { !vocabulary.contains($0) }.count + validationTokens.filter { !vocabulary.contains($0) }.count
        print("\(file): \(allTokens.count) \(configuration.level == .character ? "characters" : "tokens"), vocabulary \(vocabulary.count)"
              + (unknown > 0 ? ", \(unknown) mapped to <unk>" : "") + "; \(trainTokens.count) for training, \(validationTokens.count) for validation")
        Interruption.install()
        let trainer = try LMTrainer(folder: folder, configuration: configuration, vocabulary: vocabulary,
                                    trainIDs: vocabulary.encode(trainTokens), validationIDs: vocabulary.encode(validationTokens),
                                    options: options) { print($0); fflush(nil) }
        let result = try trainer.run(resume: resume)
        print(String(format: "best validation loss %.4f (perplexity %.2f) at epoch %d; %@; %.0f s of training; model in %@",
                     result.bestValidationLoss, result.bestValidationPerplexity, result.bestEpoch, result.stoppedBecause, result.trainingSeconds, out))
        if Interruption.isRequested { throw ExitCode(130) }
    }

    /// The tokens the vocabulary is built from (the training part only).
    func trainingTokens(_ corpus: TextCorpus, options: LMTrainingOptions) -> [String] {
        let tokens = corpus.tokens(level: level)
        return val == nil ? Array(tokens.prefix(Int(Double(tokens.count) * (1 - options.validationFraction)))) : tokens
    }

    func split(_ tokens: [String], corpus: TextCorpus, options: LMTrainingOptions, level: TokenLevel) throws -> ([String], [String]) {
        if let val {
            return (tokens, try TextCorpus(path: val).tokens(level: level))
        }
        let cut = Int(Double(tokens.count) * (1 - options.validationFraction))
        return (Array(tokens[..<cut]), Array(tokens[cut...]))
    }
}

extension TokenLevel: ExpressibleByArgument {}
extension CellKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
