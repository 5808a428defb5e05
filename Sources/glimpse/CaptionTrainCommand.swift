import ArgumentParser
import Captioning
import Foundation
import ImageIO
import NN

/// `glimpse train`: trains a captioner on image/caption pairs.
struct CaptionTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train an attention captioning model on images with captions.")

    @Option(help: "Dataset: a folder or caption file (Flickr8k token.txt, captions.txt CSV, Karpathy JSON, COCO captions JSON, TSV).")
    var data: String

    @Option(help: "Output model folder.")
    var out: String

    @Option(help: "Force the dataset format: \(CaptionFormat.namesForMessages).")
    var format: String?

    @Option(help: "Folder holding the images (default: found beside the captions).")
    var images: String?

    @Option(name: .customLong("image-size"), help: "Image side in pixels (a multiple of 8).")
    var imageSize = 64

    @Option(help: "How images are made square: squash or fill (resize the shorter side, centre-crop).")
    var square = "squash"

    @Option(help: "Epochs.")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Images per batch (each with all its captions).")
    var batchSize = 32

    @Option(name: .customLong("encoder-lr"), help: "Encoder learning rate (Adam).")
    var encoderLearningRate: Float = 1e-3

    @Option(name: .customLong("decoder-lr"), help: "Decoder learning rate (Adam).")
    var decoderLearningRate: Float = 1e-3

    @Option(name: .customLong("grad-clip"), help: "Clip the global gradient norm (0: off).")
    var gradientClip: Float = 5

    @Option(name: .customLong("alpha-c"), help: "Weight of the doubly stochastic attention term.")
    var alphaC: Float = 1

    @Option(help: "Dropout before the output layer.")
    var dropout: Float = 0.5

    @Option(name: .customLong("min-word-count"), help: "Words seen fewer times in training captions become <unk>.")
    var minimumWordCount = 5

    @Option(name: .customLong("max-caption-length"), help: "Longer captions are left out of training.")
    var maximumCaptionLength = 50

    @Option(name: .customLong("attention-activation"), help: "Attention nonlinearity: tanh or relu.")
    var attentionActivation = "tanh"

    @Flag(name: .customLong("zero-init-state"), help: "Start the decoder from zeros instead of the mean feature (ablation).")
    var zeroInitialState = false

    @Option(help: "Feature size D.") var features = 128
    @Option(help: "Embedding size E.") var embedding = 128
    @Option(name: .customLong("attention-size"), help: "Attention size A.") var attentionSize = 128
    @Option(help: "Decoder hidden size H.") var hidden = 256

    @Option(name: .customLong("fine-tune-encoder"), help: "Train the encoder (true) or keep it fixed (false).")
    var fineTuneEncoder = true

    @Option(help: "Stop after this many epochs without a better validation metric (0: never).")
    var patience = 6

    @Option(name: .customLong("val-beam"), help: "Beam width for validation captions (1: greedy).")
    var validationBeam = 1

    @Option(name: .customLong("val-images"), help: "Validate on at most this many images (0: all).")
    var validationImages = 0

    @Option(name: .customLong("select-by"), help: "Validation metric that picks the best weights: cider, bleu4, or on glimpse synth data truth (the share of captions entirely true of their scene) or grounding (mean attention mass inside the named object's box); several joined by + are summed (truth+grounding).")
    var selectBy = "cider"

    @Option(name: .customLong("time-limit"), help: "Stop after this many seconds of training (0: no limit).")
    var timeLimit: Double?

    @Option(help: "Seed for initialisation, shuffling and dropout.")
    var seed: UInt64 = 0

    @Flag(help: "Continue the run in --out from its checkpoint, with its saved settings.")
    var resume = false

    func validate() throws {
        guard imageSize >= 16 && imageSize % 8 == 0 else { throw ValidationError("--image-size must be a multiple of 8, at least 16") }
        guard ["squash", "fill"].contains(square) else { throw ValidationError("--square is squash or fill") }
        guard ["tanh", "relu"].contains(attentionActivation) else { throw ValidationError("--attention-activation is tanh or relu") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be positive") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
        if let format, CaptionFormat(rawValue: format) == nil { throw ValidationError("--format is one of \(CaptionFormat.namesForMessages)") }
        guard features > 0, embedding > 0, attentionSize > 0, hidden > 0 else {
            throw ValidationError("--features, --embedding, --attention-size and --hidden must be positive")
        }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        guard encoderLearningRate > 0, decoderLearningRate > 0 else { throw ValidationError("--encoder-lr and --decoder-lr must be positive") }
        guard alphaC >= 0, gradientClip >= 0 else { throw ValidationError("--alpha-c and --grad-clip must not be negative") }
        guard minimumWordCount >= 1, maximumCaptionLength >= 1 else { throw ValidationError("--min-word-count and --max-caption-length must be at least 1") }
        guard patience >= 0, validationBeam >= 1, validationImages >= 0 else {
            throw ValidationError("--patience and --val-images must not be negative, --val-beam at least 1")
        }
        if let timeLimit, timeLimit < 0 { throw ValidationError("--time-limit must not be negative") }
        guard selectBy.split(separator: "+", omittingEmptySubsequences: false).allSatisfy({ CaptionTrainingOptions.selectableMetrics.contains(String($0)) }) else {
            throw ValidationError("--select-by is cider, bleu4, truth or grounding, or several of them joined by +")
        }
    }

    func run() throws {
        let folder = ModelFolder(out)
        let reader = CaptionDatasetReader(format: format.flatMap(CaptionFormat.init(rawValue:)), imageFolder: images)
        let dataset = try reader.read(from: data)
        print(dataset.summary)
        if !dataset.issues.isEmpty { print(dataset.issueReport(limit: 10)) }
        var configuration: CaptionerConfiguration, options = CaptionTrainingOptions(), vocabulary: Vocabulary
        if resume && FileManager.default.fileExists(atPath: folder.trainingPath) {
            configuration = try folder.readJSON(CaptionerConfiguration.self, from: folder.configPath)
            options = try folder.readJSON(CaptionTrainingOptions.self, from: folder.trainingPath)
            vocabulary = try Vocabulary.load(from: folder.vocabularyPath, expectedCount: configuration.vocabularySize)
            if let epochs { options.epochs = epochs }
            if let timeLimit { options.timeLimit = timeLimit }
        } else {
            vocabulary = Vocabulary.build(from: dataset.images, minimumCount: minimumWordCount, maximumLength: maximumCaptionLength)
            configuration = CaptionerConfiguration(vocabularySize: vocabulary.count)
            configuration.imageSize = imageSize; configuration.squareMode = square == "fill" ? "fill" : "squash"
            configuration.featureSize = features; configuration.embeddingSize = embedding
            configuration.attentionSize = attentionSize; configuration.hiddenSize = hidden
            configuration.attentionActivation = attentionActivation == "relu" ? .relu : .tanh
            configuration.dropout = dropout; configuration.alphaC = alphaC; configuration.zeroInitialState = zeroInitialState
            options.epochs = epochs ?? 20; options.batchSize = batchSize
            options.encoderLearningRate = encoderLearningRate; options.decoderLearningRate = decoderLearningRate
            options.gradientClip = gradientClip; options.fineTuneEncoder = fineTuneEncoder; options.seed = seed
            options.patience = patience; options.validationBeam = validationBeam; options.validationImages = validationImages
            options.timeLimit = timeLimit ?? 0
            options.selectionMetric = selectBy
            try folder.create()
            try folder.writeJSON(configuration, to: folder.configPath)
            try vocabulary.write(to: folder.vocabularyPath)
            try folder.writeJSON(options, to: folder.trainingPath)
        }
        let base = dataset.imageFolder ?? URL(fileURLWithPath: data).deletingLastPathComponent().path
        let scenes = try synthScenes(imageFolder: base)
        let sceneMetrics = options.selectionMetric.split(separator: "+").filter { $0 == "truth" || $0 == "grounding" }
        if let metric = sceneMetrics.first, scenes == nil {
            throw ValidationError("--select-by \(metric) needs glimpse synth data (boxes.jsonl beside the images); \(base) has none")
        }
        let paths = dataset.images.map { base + "/" + $0.relativePath }
        let start = Date()
        let cache = ImageCache(paths: paths, side: configuration.imageSize, mode: SquareMode(rawValue: configuration.squareMode) ?? .squash)
        print(String(format: "decoded %d images to %dx%d in %.1f s%@", paths.count - cache.failures.count, configuration.imageSize,
                     configuration.imageSize, Date().timeIntervalSince(start), cache.failures.isEmpty ? "" : "; \(cache.failures.count) could not be read, skipped:"))
        for failure in cache.failures.prefix(10) { print("  \(failure)") }
        let train = CaptionSet(dataset: dataset, split: [.train, .restval], vocabulary: vocabulary, cacheSlots: cache.slots)
        let validation = CaptionSet(dataset: dataset, split: [.val], vocabulary: vocabulary, cacheSlots: cache.slots)
        guard train.count > 0 else { throw ValidationError("\(data) has no usable training images (split train or restval)") }
        guard validation.count > 0 else { throw ValidationError("\(data) has no usable validation images (split val)") }
        print("vocabulary \(vocabulary.count) words (min count \(vocabulary.minimumCount)); \(train.count) training images, \(validation.count) validation images" +
              (train.skippedCaptions > 0 ? "; \(train.skippedCaptions) captions longer than \(vocabulary.maximumLength) words left out" : ""))
        Interruption.install()
        let trainer = CaptionTrainer(folder: folder, configuration: configuration, vocabulary: vocabulary, train: train, validation: validation,
                                     cache: cache, options: options,
                                     scorer: validationScorer(scenes: scenes, images: validation.images, side: configuration.imageSize)) { print($0); fflush(nil) }
        let result = try trainer.run(resume: resume)
        print(String(format: "best validation %@ %.4f at epoch %d; %@; %.0f s of training; model in %@", result.selectionMetric,
                     result.bestMetric, result.bestEpoch, result.stoppedBecause, result.trainingSeconds, out))
        if Interruption.isRequested { throw ExitCode(130) }
    }
}
