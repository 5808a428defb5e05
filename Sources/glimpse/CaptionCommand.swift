import ArgumentParser
import Captioning
import Foundation
import ImageIO
import NN

/// `glimpse caption IMAGE...`: captions images.
struct CaptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "caption", abstract: "Caption images (greedy or beam search).")

    @Argument(help: "Image files (PNG or JPEG, any size).")
    var images: [String]

    @OptionGroup var model: CaptionModelOption
    @OptionGroup var decoding: DecodingOptions

    @Option(name: .customLong("n-best"), help: "Print the n best captions of the beam.")
    var nBest = 1

    @Flag(help: "Print JSON with log-probabilities.")
    var json = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard nBest >= 1 && nBest <= decoding.beam else { throw ValidationError("--n-best must be between 1 and --beam") }
    }

    func run() throws {
        let (captioner, vocabulary, _) = try model.load()
        let preprocessor = ImagePreprocessor(configuration: captioner.configuration)
        let decoder = CaptionDecoder(model: captioner, startToken: Int32(Vocabulary.startID), endToken: Int32(Vocabulary.endID))
        var results: [[String: Any]] = []
        var failed = false
        for path in images {
            let image: Image
            do { image = try preprocessor.squareImage(contentsOf: path) } catch {
                FileHandle.standardError.write(Data("glimpse: \(error)\n".utf8))
                failed = true
                continue
            }
            let features = withoutGradient { captioner.encoder(preprocessor.tensor(for: image)) }
            let captions = decoder.beamSearch(features: features, beamSize: decoding.beam, maximumLength: decoding.maximumLength,
                                              lengthNormalized: decoding.lengthNormalized, nBest: nBest)
            if json {
                var entries: [[String: Any]] = []
                for c in captions {
                    let text: String = vocabulary.decode(c.tokens.map(Int.init)).joined(separator: " ")
                    let words: [String] = c.tokens.map { vocabulary.word(forID: Int($0)) ?? "?" }
                    entries.append(["caption": text, "log_probability": c.logProbability, "finished": c.finished,
                                    "tokens": words, "token_log_probabilities": c.tokenLogProbabilities])
                }
                results.append(["image": path, "captions": entries])
            } else {
                for (rank, c) in captions.enumerated() {
                    let text = vocabulary.decode(c.tokens.map(Int.init)).joined(separator: " ")
                    let prefix = captions.count > 1 ? "  \(rank + 1). " : "\(path): "
                    if rank == 0 && captions.count > 1 { print("\(path):") }
                    print(prefix + text + (captions.count > 1 ? String(format: "  (log p %.2f%@)", c.logProbability, c.finished ? "" : ", unfinished") : ""))
                }
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        if failed { throw ExitCode.failure }
    }
}
