import ArgumentParser
import Captioning
import Foundation
import NN

/// `glimpse score IMAGE "caption"`: the caption's log-probability under the model.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "score", abstract: "Log-probability of a given caption for an image, per word.")

    @Argument(help: "Image file.")
    var image: String

    @Argument(help: "The caption to score.")
    var caption: String

    @OptionGroup var model: CaptionModelOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let (captioner, vocabulary, _) = try model.load()
        let preprocessor = ImagePreprocessor(configuration: captioner.configuration)
        let square = try preprocessor.squareImage(contentsOf: image)
        let features = withoutGradient { captioner.encoder(preprocessor.tensor(for: square)) }
        let words = CaptionTokenizer().tokenize(caption)
        guard !words.isEmpty else { throw ValidationError("the caption has no words") }
        let tokens = words.map { Int32(vocabulary.id(of: $0)) } + [Int32(Vocabulary.endID)]
        let decoder = CaptionDecoder(model: captioner, startToken: Int32(Vocabulary.startID), endToken: Int32(Vocabulary.endID))
        let scored = decoder.score(features: features, tokens: tokens)
        let names = words + ["<end>"]
        if json {
            let record: [String: Any] = ["image": image, "caption": caption, "log_probability": scored.logProbability,
                                         "tokens": names, "token_log_probabilities": scored.tokenLogProbabilities,
                                         "unknown": words.filter { !vocabulary.contains($0) }]
            print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
            return
        }
        print(String(format: "log-probability %.3f (%.3f per word)", scored.logProbability, scored.logProbability / Double(tokens.count)))
        for (name, lp) in zip(names, scored.tokenLogProbabilities) {
            print(String(format: "  %-14@ %8.3f%@", name, lp, name != "<end>" && !vocabulary.contains(name) ? "  (unknown: scored as <unk>)" : ""))
        }
    }
}
