import Foundation
import NN

/// One token's score.
public struct TokenScore: Codable, Sendable {
    public var token: String
    /// Natural-log probability of the token given everything before it.
    public var logProbability: Double
    /// The token is not in the vocabulary and was scored as `<unk>`.
    public var unknown: Bool
}

/// A text's score: per-token log-probabilities, their sum, and the perplexity
/// `exp(-(1/N) sum log p)`.
public struct TextScore: Codable, Sendable {
    public var text: String
    public var tokens: [TokenScore]
    public var totalLogProbability: Double
    public var perplexity: Double
    public var unknownTokens: Int
}

/// Scores texts under a language model. Each text is read after the start context (a line
/// break, or `<eos>` at word level), so its first token is scored too; word-level texts end with
/// `<eos>` as the training lines did.
public struct LMScorer {
    public let model: LanguageModel
    public let vocabulary: LMVocabulary

    public init(model: LanguageModel, vocabulary: LMVocabulary) {
        self.model = model; self.vocabulary = vocabulary
        model.eval()
    }

    public func score(_ text: String) -> TextScore {
        let tokens = TextCorpus.tokenize(text, level: vocabulary.level)
        let start: Int32 = {
            let s = vocabulary.level == .character ? "\n" : LMVocabulary.endOfSentence
            return vocabulary.contains(s) ? vocabulary.id(s) : 0
        }()
        let ids = vocabulary.encode(tokens)
        guard !ids.isEmpty else { return TextScore(text: text, tokens: [], totalLogProbability: 0, perplexity: .nan, unknownTokens: 0) }
        let inputs = [start] + ids.dropLast()
        let logProbabilities = withoutGradient {
            model(Array(inputs), steps: inputs.count, batch: 1, states: model.zeroStates(batch: 1)).logits.logSoftmax(axis: 1).values
        }
        var scores: [TokenScore] = []
        var total = 0.0
        for (i, (token, id)) in zip(tokens, ids).enumerated() {
            let lp = Double(logProbabilities[i * vocabulary.count + Int(id)])
            total += lp
            scores.append(TokenScore(token: token, logProbability: lp, unknown: !vocabulary.contains(token)))
        }
        return TextScore(text: text, tokens: scores, totalLogProbability: total, perplexity: Foundation.exp(-total / Double(ids.count)),
                         unknownTokens: scores.filter(\.unknown).count)
    }
}
