import Foundation

/// Which CIDEr computation to run.
public enum CIDErVariant: Sendable, Equatable {
    /// CIDEr-D: what the COCO evaluation server, coco-caption and pycocoevalcap's `Cider()` report
    /// (under the name "CIDEr"): hypothesis tf-idf values clipped by the reference's (min), and a
    /// Gaussian length penalty exp(-delta^2 / (2 sigma^2)).
    case ciderD
    /// The original CIDEr of the CIDEr authors' code (vrama91/cider, `pyciderevalcap/cider`):
    /// plain cosine similarity, no clipping, no length penalty (still averaged and times 10).
    case plain
}

/// CIDEr (either variant) of a corpus of captions (the mean over images) and of each image.
public struct CIDErScores: Sendable, Equatable {
    /// The mean of `perImage`.
    public var corpus: Double
    /// The score of each image.
    public var perImage: [Double]
}

/// CIDEr-D (or plain CIDEr) exactly as coco-caption / pycocoevalcap compute it, on captions that
/// are already tokenised.
///
/// Document frequencies come from the references of the evaluated set (`CIDErDocumentFrequency`).
/// For a caption s, order n and n-gram g of order n, the tf-idf vector and its norm are
///
///     v_n(s)[g] = count_s(g) * idf(g),   ||v_n(s)|| = sqrt(sum_g v_n(s)[g]^2)
///
/// and the caption's "length" l(s) is its number of bigrams, max(0, |s| - 1) (pycocoevalcap counts
/// the length on order 2). For hypothesis h and reference r, with delta = l(h) - l(r):
///
///     CIDEr-D:  sim_n(h, r) = sum_g min(v_n(h)[g], v_n(r)[g]) v_n(r)[g] / (||v_n(h)|| ||v_n(r)||)
///                             * exp(-delta^2 / (2 sigma^2)),   sigma = 6
///     plain:    sim_n(h, r) = sum_g v_n(h)[g] v_n(r)[g] / (||v_n(h)|| ||v_n(r)||)
///
/// (the division is skipped when a norm is 0, as in pycocoevalcap). Then per image, with m references
/// and N = `maxOrder`:
///
///     CIDEr(h) = 10 * (1/N) sum_{n=1..N} (1/m) sum_{j=1..m} sim_n(h, r_j)
///
/// - Parameters:
///   - hypotheses: one tokenised hypothesis per image.
///   - references: for each image, at least one tokenised reference.
///   - variant: `.ciderD` (the COCO metric) or `.plain`.
///   - sigma: the standard deviation of the length penalty (CIDEr-D only).
///   - maxOrder: the largest n-gram order (4).
public func ciderScores(hypotheses: [[String]], references: [[[String]]], variant: CIDErVariant = .ciderD,
                        sigma: Double = 6, maxOrder: Int = 4) -> CIDErScores {
    precondition(hypotheses.count == references.count, "one reference list per hypothesis")
    let referenceCounts = references.map { imageReferences -> [NGramCounts] in
        precondition(!imageReferences.isEmpty, "every image needs at least one reference")
        return imageReferences.map { NGramCounts(tokens: $0, maxOrder: maxOrder) }
    }
    let frequencies = CIDErDocumentFrequency(references: referenceCounts)
    var perImage: [Double] = []
    perImage.reserveCapacity(hypotheses.count)
    for (hypothesis, imageReferences) in zip(hypotheses, referenceCounts) {
        let hypothesisVector = TFIDFVector(counts: NGramCounts(tokens: hypothesis, maxOrder: maxOrder),
                                           frequencies: frequencies)
        var sums = [Double](repeating: 0, count: maxOrder)
        for reference in imageReferences {
            let referenceVector = TFIDFVector(counts: reference, frequencies: frequencies)
            let similarity = hypothesisVector.similarity(to: referenceVector, variant: variant, sigma: sigma)
            for order in 0..<maxOrder { sums[order] += similarity[order] }
        }
        var mean = 0.0
        for value in sums { mean += value }
        mean /= Double(maxOrder)
        perImage.append(mean / Double(imageReferences.count) * 10.0)
    }
    let corpus = perImage.isEmpty ? 0 : perImage.reduce(0, +) / Double(perImage.count)
    return CIDErScores(corpus: corpus, perImage: perImage)
}

/// A caption's tf-idf vectors per n-gram order, their norms and its bigram count (pycocoevalcap's
/// `counts2vec`): v_n[g] = count(g) * idf(g), norm_n = sqrt(sum_g v_n[g]^2), length = sum of bigram counts.
struct TFIDFVector {
    /// `values[n - 1]`: (n-gram, tf-idf) in first-seen order.
    var values: [[(ngram: [String], value: Double)]]
    /// `lookup[n - 1][g]` = v_n[g].
    var lookup: [[[String]: Double]]
    var norms: [Double]
    var length: Int

    init(counts: NGramCounts, frequencies: CIDErDocumentFrequency) {
        values = []
        lookup = []
        norms = []
        length = 0
        for (orderIndex, order) in counts.orders.enumerated() {
            var orderValues: [(ngram: [String], value: Double)] = []
            var orderLookup: [[String]: Double] = [:]
            var squaredNorm = 0.0
            for (ngram, count) in order {
                let value = Double(count) * frequencies.inverseDocumentFrequency(of: ngram)
                orderValues.append((ngram, value))
                orderLookup[ngram] = value
                squaredNorm += pow(value, 2)
                if orderIndex == 1 { length += count }
            }
            values.append(orderValues)
            lookup.append(orderLookup)
            norms.append(squaredNorm.squareRoot())
        }
    }

    /// sim_n(self, reference) for every order n (see `ciderScores`).
    func similarity(to reference: TFIDFVector, variant: CIDErVariant, sigma: Double) -> [Double] {
        let delta = Double(length - reference.length)
        // pycocoevalcap writes the penalty as np.e ** x, i.e. pow(e, x).
        let penalty = pow(2.718281828459045, -(delta * delta) / (2 * sigma * sigma))
        var result: [Double] = []
        for order in 0..<values.count {
            var value = 0.0
            for (ngram, hypothesisValue) in values[order] {
                let referenceValue = reference.lookup[order][ngram] ?? 0
                switch variant {
                case .ciderD: value += min(hypothesisValue, referenceValue) * referenceValue
                case .plain: value += hypothesisValue * referenceValue
                }
            }
            if norms[order] != 0 && reference.norms[order] != 0 {
                value /= norms[order] * reference.norms[order]
            }
            if variant == .ciderD { value *= penalty }
            result.append(value)
        }
        return result
    }
}
