import ArgumentParser
import CaptionMetrics
import Captioning
import Foundation
import ImageIO
import NN
import Synth

/// `glimpse evaluate`: COCO metrics of a model (or of another system's results file) on a split.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate",
        abstract: "BLEU-1..4, ROUGE-L and CIDEr-D (as the COCO caption evaluation) on a dataset split; truth and grounding on synthetic scenes.")

    @OptionGroup var model: CaptionModelOption
    @OptionGroup var decoding: DecodingOptions

    @Option(help: "Dataset (as for `glimpse train`).")
    var data: String

    @Option(help: "Split to evaluate: train, val, test or test_compositional.")
    var split = "val"

    @Option(help: "Score this COCO results file ([{\"image_id\", \"caption\"}]) instead of running the model.")
    var results: String?

    @Option(name: .customLong("write-results"), help: "Write the model's captions here in COCO results format (default: results_<split>.json in the model folder).")
    var writeResults: String?

    @Option(help: "Evaluate at most this many images (0: all).")
    var limit = 0

    @Option(name: .customLong("show-false"), help: "On glimpse synth data, list up to this many captions that are not true of their scene, with the reason.")
    var showFalse = 0

    @Option(help: "Force the dataset format.")
    var format: String?

    func validate() throws {
        if let format, CaptionFormat(rawValue: format) == nil { throw ValidationError("--format is one of \(CaptionFormat.namesForMessages)") }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
    }

    func run() throws {
        guard let wanted = CaptionSplit(rawValue: split) else { throw ValidationError("--split is train, val, test or test_compositional") }
        let dataset = try CaptionDatasetReader(format: format.flatMap(CaptionFormat.init(rawValue:))).read(from: data)
        var images = dataset.images.filter { $0.split == wanted }
        if limit > 0 { images = Array(images.prefix(limit)) }
        guard !images.isEmpty else { throw ValidationError("\(data) has no images in split \(split)") }
        var hypotheses: [Int: String] = [:]
        var sceneScores: SceneCaptionScores?
        if let results {
            for r in try COCOResults.read(from: URL(fileURLWithPath: results)) {
                if case .integer(let id) = r.imageID { hypotheses[id] = r.caption }
            }
            images = images.filter { hypotheses[$0.imageID] != nil }
            guard !images.isEmpty else { throw ValidationError("\(results) has no caption for any image of split \(split) (image_id must be the dataset's image id)") }
        } else {
            let (captioner, vocabulary, folder) = try model.load()
            let preprocessor = ImagePreprocessor(configuration: captioner.configuration)
            let decoder = CaptionDecoder(model: captioner, startToken: Int32(Vocabulary.startID), endToken: Int32(Vocabulary.endID))
            let base = dataset.imageFolder ?? URL(fileURLWithPath: data).deletingLastPathComponent().path
            let scenes = try synthScenes(imageFolder: base) ?? [:]
            if !scenes.isEmpty { sceneScores = SceneCaptionScores() }
            let start = Date()
            var unreadable: [Int] = [], falseShown = 0
            for (n, image) in images.enumerated() {
                let square: ImageIO.Image
                do { square = try preprocessor.squareImage(contentsOf: base + "/" + image.relativePath) } catch {
                    print("skipped: \(error)")
                    unreadable.append(image.imageID)
                    continue
                }
                let features = withoutGradient { captioner.encoder(preprocessor.tensor(for: square)) }
                let best = decoder.beamSearch(features: features, beamSize: decoding.beam, maximumLength: decoding.maximumLength,
                                              lengthNormalized: decoding.lengthNormalized)[0]
                let (words, alphas) = best.wordsWithAttention(vocabulary)
                hypotheses[image.imageID] = words.joined(separator: " ")
                if let scene = scenes[image.imageName] {
                    sceneScores?.add(words: words, alphas: alphas, scene: scene, side: captioner.configuration.imageSize)
                    // The checker's reason only when asked for (`add` has already checked the caption).
                    if falseShown < showFalse {
                        let verdict = SceneChecker.check(caption: words.joined(separator: " "), of: scene)
                        if !verdict.isTrue {
                            falseShown += 1
                            print("not true: \(image.relativePath): \"\(words.joined(separator: " "))\": \(verdict.explanation)")
                        }
                    }
                }
                if (n + 1) % 200 == 0 { print("captioned \(n + 1)/\(images.count) images"); fflush(nil) }
            }
            if !unreadable.isEmpty {
                let skipped = Set(unreadable)
                images = images.filter { !skipped.contains($0.imageID) }
                print("\(unreadable.count) image(s) could not be read and were left out")
                guard !images.isEmpty else { throw ValidationError("no image of split \(split) could be read") }
            }
            print(String(format: "captioned %d images in %.1f s (beam %d)", images.count, Date().timeIntervalSince(start), decoding.beam))
            let out = writeResults ?? folder + "/results_\(split).json"
            try COCOResults.write(images.map { COCOResult(imageID: .integer($0.imageID), caption: hypotheses[$0.imageID]!) }, to: URL(fileURLWithPath: out))
            print("wrote \(out)")
        }
        var references: [Int: [String]] = [:]
        for image in images { references[image.imageID] = image.captions }
        let scores = try CaptionMetrics.evaluate(hypotheses: hypotheses, references: references)
        print("split \(split), \(images.count) images:")
        for (name, value) in scores.namedScores { print(String(format: "  %-8@ %.4f", name, value)) }
        print("  METEOR   not computed (it needs Java and WordNet)")
        if let s = sceneScores {
            print(String(format: "  captions entirely true of their scene: %.1f%% (%d of %d)", 100 * s.trueShare, s.trueCaptions, s.captions))
            print(String(format: "  attention mass inside the named object's box: %.3f (uniform attention: %.3f) over %d grounded words",
                         s.meanAttentionInBox, s.meanUniformInBox, s.groundedWords))
        }
    }
}
