import Foundation
import NN

/// A caption the decoder produced: token ids (without `<start>`, with `<end>` when it finished),
/// the log-probability of each, and the attention of each step.
public struct DecodedCaption: Sendable {
    public var tokens: [Int32]
    public var tokenLogProbabilities: [Double]
    /// `alphas[t]`: the attention weights (L of them) with which token t was emitted.
    public var alphas: [[Float]]
    /// Whether it ended with `<end>` (false: cut at the length cap).
    public var finished: Bool

    public init(tokens: [Int32], tokenLogProbabilities: [Double], alphas: [[Float]], finished: Bool) {
        self.tokens = tokens; self.tokenLogProbabilities = tokenLogProbabilities; self.alphas = alphas; self.finished = finished
    }

    /// Sum of the token log-probabilities.
    public var logProbability: Double { tokenLogProbabilities.reduce(0, +) }

    /// The caption's words as `Vocabulary.decode` gives them (up to `<end>`, special tokens
    /// dropped), each with the attention weights of the step that emitted it.
    public func wordsWithAttention(_ vocabulary: Vocabulary) -> (words: [String], alphas: [[Float]]) {
        var words: [String] = [], kept: [[Float]] = []
        for (step, token) in tokens.enumerated() {
            if Int(token) == Vocabulary.endID { break }
            guard let word = vocabulary.decode([Int(token)]).first else { continue }
            words.append(word)
            if step < alphas.count { kept.append(alphas[step]) }
        }
        return (words, kept)
    }
}

/// Greedy decoding and beam search for one image's features, without building a graph: the steps
/// run on an `AttentionDecoderStepper` made from the model's weights as they are when the decoder
/// is made (make a new decoder after they change). Calls from several threads take turns.
public struct CaptionDecoder {
    public let model: Captioner
    public let startToken: Int32, endToken: Int32
    private let stepper: AttentionDecoderStepper
    private let lock = NSLock()

    public init(model: Captioner, startToken: Int32, endToken: Int32) {
        self.model = model; self.startToken = startToken; self.endToken = endToken
        stepper = AttentionDecoderStepper(decoder: model.decoder)
    }

    /// The most likely word at each step, until `<end>` or `maximumLength` tokens.
    /// `features`: one image's annotation vectors `[1, L, D]`.
    public func greedy(features: Tensor, maximumLength: Int) -> DecodedCaption {
        beamSearch(features: features, beamSize: 1, maximumLength: maximumLength).first!
    }

    /// Beam search keeping `beamSize` hypotheses: each step extends every hypothesis by every word,
    /// keeps the best `beamSize` by total log-probability (optionally divided by length), and sets
    /// aside those that emit `<end>`. Stops when `beamSize` hypotheses have finished or at
    /// `maximumLength`; returns up to `nBest` captions, best first, finished ones before partial ones
    /// (a partial one is returned when none finished, never nothing).
    public func beamSearch(features: Tensor, beamSize: Int, maximumLength: Int, lengthNormalized: Bool = false, nBest: Int = 1) -> [DecodedCaption] {
        precondition(features.rank == 3 && features.shape[0] == 1, "beam search takes one image's features [1, L, D], not \(features.shape)")
        precondition(beamSize >= 1 && maximumLength >= 1, "beam size and length cap must be positive")
        precondition(features.shape[2] == stepper.featureSize, "features of size \(features.shape[2]) for a decoder of \(stepper.featureSize)")
        lock.lock()
        defer { lock.unlock() }
        let vocabulary = model.configuration.vocabularySize
        var hypotheses = [DecodedCaption(tokens: [], tokenLogProbabilities: [], alphas: [], finished: false)]
        var finished: [DecodedCaption] = []
        stepper.begin(features: features.data, images: 1, locations: features.shape[1])
        func score(_ c: DecodedCaption) -> Double {
            lengthNormalized ? c.logProbability / Double(max(c.tokens.count, 1)) : c.logProbability
        }
        for _ in 0..<maximumLength {
            stepper.step(tokens: hypotheses.map { $0.tokens.last ?? startToken })
            // The best `width` extensions (row, word, total) of all hypotheses by every word. Live
            // hypotheses all have the same length, so length normalisation does not change this
            // order; it matters only when finished captions of different lengths are ranked.
            let width = max(beamSize - finished.count, 1)
            var best: [(row: Int, word: Int, total: Double)] = []
            for (row, h) in hypotheses.enumerated() {
                let logProbabilities = stepper.logProbabilities(row: row), base = h.logProbability
                for w in 0..<vocabulary {
                    let total = base + Double(logProbabilities[w])
                    guard best.count < width || total > best[best.count - 1].total else { continue }
                    if best.count == width { best.removeLast() }
                    let at = best.firstIndex { total > $0.total } ?? best.count
                    best.insert((row, w, total), at: at)
                }
            }
            var next: [DecodedCaption] = [], rows: [Int] = []
            for c in best {
                var h = hypotheses[c.row]
                h.tokens.append(Int32(c.word))
                h.tokenLogProbabilities.append(Double(stepper.logProbabilities(row: c.row)[c.word]))
                h.alphas.append(Array(stepper.alpha(row: c.row)))
                if Int32(c.word) == endToken {
                    h.finished = true
                    finished.append(h)
                } else {
                    next.append(h); rows.append(c.row)
                }
            }
            hypotheses = next
            if finished.count >= beamSize || next.isEmpty { break }
            stepper.keepRows(rows)
        }
        let ranked = finished.sorted { score($0) > score($1) } + hypotheses.sorted { score($0) > score($1) }
        return Array(ranked.prefix(max(nBest, 1)))
    }

    /// Greedy decoding of several images at once (`features [B, L, D]`): the rows of images still
    /// decoding step together until each has emitted `<end>` or `maximumLength` tokens. Same
    /// results as `greedy` per image.
    public func greedyBatch(features: Tensor, maximumLength: Int) -> [DecodedCaption] {
        precondition(features.rank == 3 && features.shape[2] == stepper.featureSize, "greedyBatch takes features [B, L, \(stepper.featureSize)], not \(features.shape)")
        let b = features.shape[0], vocabulary = model.configuration.vocabularySize
        if b == 0 { return [] }
        lock.lock()
        defer { lock.unlock() }
        var results = [DecodedCaption](repeating: DecodedCaption(tokens: [], tokenLogProbabilities: [], alphas: [], finished: false), count: b)
        stepper.begin(features: features.data, images: b, locations: features.shape[1])
        var live = Array(0..<b)   // live[row]: the image that stepper row decodes
        var previous = [Int32](repeating: startToken, count: b)
        for _ in 0..<maximumLength {
            stepper.step(tokens: previous)
            var keep: [Int] = []
            for (row, image) in live.enumerated() {
                let logProbabilities = stepper.logProbabilities(row: row)
                var best = 0
                for w in 1..<vocabulary where logProbabilities[w] > logProbabilities[best] { best = w }
                results[image].tokens.append(Int32(best))
                results[image].tokenLogProbabilities.append(Double(logProbabilities[best]))
                results[image].alphas.append(Array(stepper.alpha(row: row)))
                results[image].finished = Int32(best) == endToken
                if !results[image].finished { keep.append(row) }
            }
            if keep.isEmpty { break }
            if keep.count < live.count {
                stepper.keepRows(keep)
                live = keep.map { live[$0] }
            }
            previous = live.map { results[$0].tokens.last! }
        }
        return results
    }

    /// The log-probability of each token of a given caption (ids without `<start>`, ending with
    /// `<end>`), teacher-forced, and the attention of each step.
    public func score(features: Tensor, tokens: [Int32]) -> DecodedCaption {
        model.eval()
        return withoutGradient {
            let captions = [startToken] + tokens
            let (logits, alphas) = model.teacherForced(features: features, captions: captions, lengths: [captions.count])
            let v = model.configuration.vocabularySize, l = alphas.shape[2]
            let lp = logits.reshaped([tokens.count, v]).logSoftmax(axis: 1).values
            let a = alphas.values
            return DecodedCaption(tokens: tokens,
                                  tokenLogProbabilities: tokens.enumerated().map { Double(lp[$0.offset * v + Int($0.element)]) },
                                  alphas: (0..<tokens.count).map { Array(a[($0 * l)..<(($0 + 1) * l)]) },
                                  finished: tokens.last == endToken)
        }
    }
}
