import Foundation

/// BLEU-1 ... BLEU-N of a corpus of captions and of each of its images.
public struct BLEUScores: Sendable, Equatable {
    /// `corpus[n - 1]` is corpus-level BLEU-n.
    public var corpus: [Double]
    /// `perImage[i][n - 1]` is BLEU-n of image i alone (same formula on that image's counts).
    public var perImage: [[Double]]
}

/// The constants pycocoevalcap's `bleu_scorer.py` adds so that empty counts give 0, not 0/0.
public enum BLEUConstants {
    /// Added to every numerator (clipped matches, hypothesis length): 1e-15.
    public static let tiny = 1e-15
    /// Added to every denominator (n-gram totals, reference length): 1e-9.
    public static let small = 1e-9
}

/// BLEU-1 ... BLEU-`maxOrder` exactly as pycocoevalcap's `Bleu(4)` computes them (option
/// `"closest"`), on captions that are already tokenised.
///
/// For image i with hypothesis h_i and references R_i:
///
///     correct_i(n) = sum over n-grams g of h_i of min(count_h(g), max_{r in R_i} count_r(g))
///     guess_i(n)   = max(0, |h_i| - n + 1)
///     ref_i        = the |r| (r in R_i) closest to |h_i|; on a tie the shorter one
///
/// Corpus level, with C(n) = sum_i correct_i(n), G(n) = sum_i guess_i(n), H = sum_i |h_i|,
/// E = sum_i ref_i, tiny = 1e-15, small = 1e-9:
///
///     p_n    = (C(n) + tiny) / (G(n) + small)
///     BLEU-n = (p_1 * ... * p_n)^(1/n) * BP,   BP = exp(1 - 1/ratio) if ratio < 1 else 1,
///     ratio  = (H + tiny) / (E + small)
///
/// Per image, the same formula on that image's counts alone.
///
/// - Parameters:
///   - hypotheses: one tokenised hypothesis per image.
///   - references: for each image, at least one tokenised reference.
///   - maxOrder: the largest n (4 for BLEU-1..4).
/// - Returns: corpus and per-image BLEU-1 ... BLEU-`maxOrder`.
public func bleuScores(hypotheses: [[String]], references: [[[String]]], maxOrder: Int = 4) -> BLEUScores {
    precondition(hypotheses.count == references.count, "one reference list per hypothesis")
    precondition(maxOrder >= 1, "maxOrder must be at least 1")
    var totalCorrect = [Int](repeating: 0, count: maxOrder)
    var totalGuess = [Int](repeating: 0, count: maxOrder)
    var totalHypothesisLength = 0
    var totalReferenceLength = 0
    var perImage: [[Double]] = []
    perImage.reserveCapacity(hypotheses.count)

    for (hypothesis, imageReferences) in zip(hypotheses, references) {
        precondition(!imageReferences.isEmpty, "every image needs at least one reference")
        let statistics = BLEUImageStatistics(hypothesis: hypothesis, references: imageReferences, maxOrder: maxOrder)
        for order in 0..<maxOrder {
            totalCorrect[order] += statistics.correct[order]
            totalGuess[order] += statistics.guess[order]
        }
        totalHypothesisLength += statistics.hypothesisLength
        totalReferenceLength += statistics.referenceLength
        perImage.append(bleuFromCounts(correct: statistics.correct, guess: statistics.guess,
                                       hypothesisLength: statistics.hypothesisLength,
                                       referenceLength: statistics.referenceLength))
    }
    let corpus = bleuFromCounts(correct: totalCorrect, guess: totalGuess,
                                hypothesisLength: totalHypothesisLength, referenceLength: totalReferenceLength)
    return BLEUScores(corpus: corpus, perImage: perImage)
}

/// The counts BLEU needs from one image: clipped matches and totals per order, the hypothesis
/// length and the closest reference length (ties go to the shorter reference).
struct BLEUImageStatistics {
    var correct: [Int]
    var guess: [Int]
    var hypothesisLength: Int
    var referenceLength: Int

    init(hypothesis: [String], references: [[String]], maxOrder: Int) {
        var maxReferenceCounts: [[String]: Int] = [:]
        for reference in references {
            let counts = NGramCounts(tokens: reference, maxOrder: maxOrder)
            for order in counts.orders {
                for (ngram, count) in order where count > maxReferenceCounts[ngram, default: 0] {
                    maxReferenceCounts[ngram] = count
                }
            }
        }
        let hypothesisCounts = NGramCounts(tokens: hypothesis, maxOrder: maxOrder)
        correct = hypothesisCounts.orders.map { order in
            order.reduce(0) { $0 + min($1.count, maxReferenceCounts[$1.ngram, default: 0]) }
        }
        guess = (1...maxOrder).map { max(0, hypothesis.count - $0 + 1) }
        hypothesisLength = hypothesis.count
        // min over (|l - L|, l): the closest length, the shorter one on a tie.
        referenceLength = references.map(\.count).min { a, b in
            let (da, db) = (abs(a - hypothesis.count), abs(b - hypothesis.count))
            return da != db ? da < db : a < b
        }!
    }
}

/// BLEU-1 ... BLEU-N from clipped matches `correct`, totals `guess` and the two lengths, with
/// pycocoevalcap's constants: BLEU-n = prod_{k<=n} ((correct_k + tiny)/(guess_k + small))^(1/n) * BP.
func bleuFromCounts(correct: [Int], guess: [Int], hypothesisLength: Int, referenceLength: Int) -> [Double] {
    var scores: [Double] = []
    var product = 1.0
    for order in 0..<correct.count {
        product *= (Double(correct[order]) + BLEUConstants.tiny) / (Double(guess[order]) + BLEUConstants.small)
        scores.append(pow(product, 1.0 / Double(order + 1)))
    }
    let ratio = (Double(hypothesisLength) + BLEUConstants.tiny) / (Double(referenceLength) + BLEUConstants.small)
    if ratio < 1 {
        let penalty = exp(1 - 1 / ratio)
        scores = scores.map { $0 * penalty }
    }
    return scores
}
