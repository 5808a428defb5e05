import CaptionMetrics
import Foundation
import XCTest

/// BLEU on cases small enough to compute by hand (tiny = 1e-15, small = 1e-9 as in bleu_scorer.py).
final class BLEUTests: XCTestCase {
    private func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    func testPerfectMatchGivesOne() {
        let caption = words("a dog runs on the green grass")
        let scores = bleuScores(hypotheses: [caption], references: [[caption, words("a cat")]])
        for order in 0..<4 {
            XCTAssertEqual(scores.corpus[order], 1, accuracy: 1e-9)
            XCTAssertEqual(scores.perImage[0][order], 1, accuracy: 1e-9)
        }
    }

    /// "the cat" against a 6-word reference: every n-gram that exists matches, BP = exp(1 - 6/2) = e^-2;
    /// orders 3 and 4 have no n-grams, so p3 = p4 = tiny/small = 1e-6.
    func testBrevityPenaltyAndEmptyOrders() {
        let scores = bleuScores(hypotheses: [words("the cat")], references: [[words("the cat sat on the mat")]])
        let penalty = exp(-2.0)
        XCTAssertEqual(scores.corpus[0], penalty, accuracy: 1e-9)
        XCTAssertEqual(scores.corpus[1], penalty, accuracy: 1e-9)
        // Relative 1e-8: the 1e-9 added to each denominator shifts the result by about 1e-9 relatively.
        XCTAssertEqual(scores.corpus[2], pow(1e-6, 1.0 / 3) * penalty, accuracy: 1e-8 * pow(1e-6, 1.0 / 3) * penalty)
        XCTAssertEqual(scores.corpus[3], pow(1e-12, 1.0 / 4) * penalty, accuracy: 1e-8 * pow(1e-12, 1.0 / 4) * penalty)
    }

    /// Seven "the" against references with at most two: clipped unigram precision 2/7; the closest
    /// reference length is 7 (no brevity penalty); no bigram matches.
    func testClippedCounts() {
        let hypothesis = words("the the the the the the the")
        let references = [words("the cat is on the mat"), words("there is a cat on the mat")]
        let scores = bleuScores(hypotheses: [hypothesis], references: [references])
        XCTAssertEqual(scores.corpus[0], 2.0 / 7, accuracy: 1e-9)
        XCTAssertEqual(scores.corpus[1], (2.0 / 7 * 1e-15 / 6).squareRoot(), accuracy: 1e-15)
    }

    /// "a dog runs fast" vs "a dog runs slowly": p = 3/4, 2/3, 1/2 and no 4-gram match (1e-15/1).
    func testNoMatchingFourGrams() {
        let scores = bleuScores(hypotheses: [words("a dog runs fast")], references: [[words("a dog runs slowly")]])
        XCTAssertEqual(scores.corpus[0], 0.75, accuracy: 1e-9)
        XCTAssertEqual(scores.corpus[1], (0.75 * 2 / 3).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(scores.corpus[2], pow(0.25, 1.0 / 3), accuracy: 1e-9)
        XCTAssertEqual(scores.corpus[3], pow(0.25 * 1e-15, 0.25), accuracy: 1e-12)
        XCTAssertLessThan(scores.corpus[3], 2e-4)
    }

    /// A 6-word hypothesis between references of 5 and 7 words: the tie goes to the shorter one, so
    /// the hypothesis is longer than its reference length and gets no brevity penalty.
    func testClosestReferenceLengthTieTakesTheShorter() {
        let scores = bleuScores(hypotheses: [words("a b c d e f")],
                                references: [[words("a b c d e f g"), words("a b c d e")]])
        XCTAssertEqual(scores.corpus[0], 1, accuracy: 1e-9)
        let longerOnly = bleuScores(hypotheses: [words("a b c d e f")], references: [[words("a b c d e f g")]])
        XCTAssertEqual(longerOnly.corpus[0], exp(1 - 7.0 / 6), accuracy: 1e-9)
    }

    /// Corpus BLEU sums the counts over images; it is not the mean of the per-image scores.
    func testCorpusLevelSumsCounts() {
        let scores = bleuScores(hypotheses: [words("a b"), words("c d e f")],
                                references: [[words("a b")], [words("w x y z")]])
        XCTAssertEqual(scores.corpus[0], 2.0 / 6, accuracy: 1e-9)
        XCTAssertEqual(scores.perImage[0][0], 1, accuracy: 1e-9)
        XCTAssertEqual(scores.perImage[1][0], 1e-15 / 4, accuracy: 1e-20)
    }

    func testEmptyHypothesisScoresZero() {
        let scores = bleuScores(hypotheses: [[]], references: [[words("a dog")]])
        XCTAssertEqual(scores.corpus, [0, 0, 0, 0])
    }
}
