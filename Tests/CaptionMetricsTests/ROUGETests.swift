import CaptionMetrics
import XCTest

/// ROUGE-L on hand-computed cases (beta = 1.2).
final class ROUGETests: XCTestCase {
    private func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    func testLongestCommonSubsequence() {
        XCTAssertEqual(longestCommonSubsequenceLength(words("a b c d"), words("a x c y d")), 3)
        XCTAssertEqual(longestCommonSubsequenceLength(words("a b c"), words("c b a")), 1)
        XCTAssertEqual(longestCommonSubsequenceLength([], words("a")), 0)
        XCTAssertEqual(longestCommonSubsequenceLength(words("x y z"), words("x y z")), 3)
    }

    func testPerfectMatchGivesOne() {
        XCTAssertEqual(rougeL(hypothesis: words("a dog on the grass"), references: [words("a dog on the grass")]), 1,
                       accuracy: 1e-12)
    }

    /// LCS 3 of 4 hypothesis and 5 reference words: P = 3/4, R = 3/5,
    /// F = 2.44 * 0.75 * 0.6 / (0.6 + 1.44 * 0.75) = 1.098 / 1.68.
    func testPrecisionRecallCombination() {
        XCTAssertEqual(rougeL(hypothesis: words("a b c d"), references: [words("a x c y d")]), 1.098 / 1.68,
                       accuracy: 1e-12)
    }

    /// Precision and recall are maximised over references separately: P = 1 from the long reference,
    /// R = 1 from the short one, so ROUGE-L = 1 although no reference matches the hypothesis exactly.
    func testPrecisionAndRecallMaximisedSeparately() {
        let score = rougeL(hypothesis: words("a b"), references: [words("a b c d e f"), words("a")])
        XCTAssertEqual(score, 1, accuracy: 1e-12)
    }

    func testNoOverlapAndEmptyHypothesis() {
        XCTAssertEqual(rougeL(hypothesis: words("x y"), references: [words("a b")]), 0)
        XCTAssertEqual(rougeL(hypothesis: [], references: [words("a b")]), 0)
    }

    func testCorpusIsTheMean() {
        let scores = rougeLScores(hypotheses: [words("a b"), words("x")], references: [[words("a b")], [words("y")]])
        XCTAssertEqual(scores.perImage, [1, 0])
        XCTAssertEqual(scores.corpus, 0.5, accuracy: 1e-12)
    }
}
