import Foundation

/// Document frequencies of n-grams over the references of the evaluated set, as CIDEr uses them
/// (coco-caption / pycocoevalcap, and the CIDEr authors' df_mode "corpus").
///
/// An image is one document (all of its references together):
///
///     df(g)  = #{ images i : g occurs in at least one reference of image i }
///     idf(g) = log(N) - log(max(1, df(g))),   N = number of images
///
/// An n-gram no reference uses gets df = 0 and so idf = log(N).
public struct CIDErDocumentFrequency: Sendable {
    /// df(g) for every n-gram of the references.
    public private(set) var counts: [[String]: Int] = [:]
    /// log(N), N the number of images (pycocoevalcap's `ref_len`).
    public let logImageCount: Double

    /// Counts df over `references` (one list of tokenised references per image), n-grams of order 1...`maxOrder`.
    public init(references: [[NGramCounts]]) {
        logImageCount = log(Double(references.count))
        for imageReferences in references {
            var seen = Set<[String]>()
            for reference in imageReferences {
                for order in reference.orders {
                    for entry in order { seen.insert(entry.ngram) }
                }
            }
            for ngram in seen { counts[ngram, default: 0] += 1 }
        }
    }

    /// idf(g) = log(N) - log(max(1, df(g))).
    public func inverseDocumentFrequency(of ngram: [String]) -> Double {
        logImageCount - log(max(1.0, Double(counts[ngram, default: 0])))
    }
}
