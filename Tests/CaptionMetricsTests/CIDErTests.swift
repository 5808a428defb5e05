import CaptionMetrics
import Foundation
import XCTest

/// CIDEr-D and plain CIDEr on two-image sets small enough to compute by hand. With two images and
/// disjoint words every n-gram has idf = log 2 - log 1 = log 2, so tf-idf vectors are counts * log 2.
final class CIDErTests: XCTestCase {
    private func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    /// Identical two-word captions: cosine 1 for unigrams and bigrams, no 3- or 4-grams (score 0
    /// there), no length difference: 10 * (1 + 1 + 0 + 0) / 4 = 5.
    func testExactCopyOfAShortCaption() {
        for variant in [CIDErVariant.ciderD, .plain] {
            let scores = ciderScores(hypotheses: [words("a b"), words("c d")],
                                     references: [[words("a b")], [words("c d")]], variant: variant)
            XCTAssertEqual(scores.perImage[0], 5, accuracy: 1e-12)
            XCTAssertEqual(scores.perImage[1], 5, accuracy: 1e-12)
            XCTAssertEqual(scores.corpus, 5, accuracy: 1e-12)
        }
    }

    /// Hypothesis "a a b" against reference "a b".
    /// Unigrams: h = (2, 1) L, r = (1, 1) L; plain cosine 3/sqrt(10), clipped (min) 2/sqrt(10).
    /// Bigrams: h = {aa: L, ab: L}, r = {ab: L}: cosine 1/sqrt(2) (unseen "a a" still has idf log 2).
    /// Length (bigram count) 2 vs 1: CIDEr-D penalty exp(-1/72). No trigrams in the reference: 0.
    func testClippingAndLengthPenalty() {
        let hypotheses = [words("a a b"), words("c d")]
        let references = [[words("a b")], [words("c d")]]
        let plain = ciderScores(hypotheses: hypotheses, references: references, variant: .plain)
        let ciderD = ciderScores(hypotheses: hypotheses, references: references, variant: .ciderD)
        XCTAssertEqual(plain.perImage[0], 10.0 / 4 * (3 / 10.0.squareRoot() + 1 / 2.0.squareRoot()), accuracy: 1e-12)
        XCTAssertEqual(ciderD.perImage[0], 10.0 / 4 * (2 / 10.0.squareRoot() + 1 / 2.0.squareRoot()) * exp(-1.0 / 72),
                       accuracy: 1e-12)
    }

    /// An n-gram used by every image's references has idf 0 and so contributes nothing.
    func testNGramsInEveryImageWeighNothing() {
        let scores = ciderScores(hypotheses: [words("the"), words("the")],
                                 references: [[words("the dog")], [words("the cat")]])
        XCTAssertEqual(scores.perImage, [0, 0])
        let frequencies = CIDErDocumentFrequency(references: [[NGramCounts(tokens: words("the dog"), maxOrder: 4)],
                                                              [NGramCounts(tokens: words("the cat"), maxOrder: 4)]])
        XCTAssertEqual(frequencies.inverseDocumentFrequency(of: ["the"]), 0, accuracy: 1e-15)
        XCTAssertEqual(frequencies.inverseDocumentFrequency(of: ["dog"]), log(2), accuracy: 1e-15)
        XCTAssertEqual(frequencies.inverseDocumentFrequency(of: ["zebra"]), log(2), accuracy: 1e-15)
    }

    /// Scores average over references: one perfect and one disjoint reference give half of 5.
    func testAverageOverReferences() {
        let scores = ciderScores(hypotheses: [words("a b"), words("c d")],
                                 references: [[words("a b"), words("e f")], [words("c d")]], variant: .plain)
        XCTAssertEqual(scores.perImage[0], 2.5, accuracy: 1e-12)
    }

    func testNGramCounts() {
        let counts = NGramCounts(tokens: words("a b a b"), maxOrder: 3)
        XCTAssertEqual(counts.count(of: ["a", "b"]), 2)
        XCTAssertEqual(counts.count(of: ["b", "a"]), 1)
        XCTAssertEqual(counts.count(of: ["a", "b", "a"]), 1)
        XCTAssertEqual(counts.count(of: ["a", "b", "a", "b"]), 0)
        XCTAssertEqual(counts.totalCount(order: 1), 4)
        XCTAssertEqual(counts.totalCount(order: 3), 2)
        XCTAssertEqual(counts.orders[0].map(\.ngram), [["a"], ["b"]])
    }
}
