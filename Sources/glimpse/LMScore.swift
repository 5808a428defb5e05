import ArgumentParser
import Foundation
import LanguageModeling
import NN

/// `glimpse lm score`: per-token log-probabilities and perplexity of sentences.
struct LMScore: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "score", abstract: "Score sentences: per-token log-probabilities and perplexity.")

    @OptionGroup var model: ModelOption

    @Argument(help: "Sentences to score.")
    var sentences: [String] = []

    @Option(help: "Score every line of this file.")
    var file: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard !sentences.isEmpty || file != nil else { throw ValidationError("give sentences to score or --file") }
    }

    func run() throws {
        let (lm, vocabulary) = try ModelFolder(try model.resolve()).loadLanguageModel()
        var texts = sentences
        if let file {
            texts += try TextCorpus(path: file).text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        let scorer = LMScorer(model: lm, vocabulary: vocabulary)
        let scores = texts.map { scorer.score($0) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(scores), as: UTF8.self))
            return
        }
        for s in scores {
            print(String(format: "%@\n  log-probability %.3f over %d tokens, perplexity %.3f", s.text, s.totalLogProbability, s.tokens.count, s.perplexity))
            let shown = s.tokens.map { t -> String in
                let name = t.token == "\n" ? "\\n" : t.token
                return String(format: "%@%@ %.2f", name, t.unknown ? "(unk)" : "", t.logProbability)
            }
            print("  " + shown.joined(separator: " | "))
            if s.unknownTokens > 0 { print("  note: \(s.unknownTokens) token(s) unknown to the model, scored as <unk>") }
        }
    }
}
