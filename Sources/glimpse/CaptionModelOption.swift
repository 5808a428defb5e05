import ArgumentParser
import Captioning
import NN

/// Which captioning model a command uses: `--model DIR`, or the bundled `models/flickr8k`.
struct CaptionModelOption: ParsableArguments {
    @Option(name: .long, help: "Model folder (default: the bundled models/flickr8k).")
    var model: String?

    func load() throws -> (model: Captioner, vocabulary: Vocabulary, folder: String) {
        let path: String
        if let model {
            path = model
        } else {
            guard let found = ModelLocation.bundled("flickr8k") else {
                throw ValidationError("no --model given and the bundled photo model (models/flickr8k) was not found; train it with `glimpse train --data ../shared/data/flickr8k --out models/flickr8k --image-size 128`, or pass --model DIR (models/shapes captions synthetic scenes)")
            }
            path = found
        }
        let (captioner, vocabulary) = try ModelFolder(path).loadCaptioner()
        return (captioner, vocabulary, path)
    }
}

/// Decoding settings shared by `caption`, `attention` and `evaluate`.
struct DecodingOptions: ParsableArguments {
    @Option(help: "Beam width (1: greedy).")
    var beam = 1

    @Option(name: .customLong("max-length"), help: "Longest caption in words.")
    var maximumLength = 20

    @Flag(name: .customLong("length-normalize"), help: "Rank beam hypotheses by log-probability per word.")
    var lengthNormalized = false

    func validate() throws {
        guard beam >= 1 else { throw ValidationError("--beam must be at least 1") }
        guard maximumLength >= 1 else { throw ValidationError("--max-length must be at least 1") }
    }
}
