import CaptionMetrics
import Foundation
import XCTest

/// The Swift scorers against pycocoevalcap 1.2 on 84 pre-tokenised synthetic images.
/// Tolerance: 1e-4 absolute for BLEU and ROUGE-L (in [0, 1]), 1e-4 relative for CIDEr.
final class PycocoevalcapFixtureTests: XCTestCase {
    private var fixture: COCOCaptionFixture!

    override func setUpWithError() throws {
        fixture = try COCOCaptionFixture.load()
        XCTAssertGreaterThanOrEqual(fixture.images.count, 60)
        XCTAssertTrue(fixture.images.allSatisfy { $0.references.count == 5 })
    }

    private func report(_ name: String, _ difference: Double) {
        print(String(format: "pycocoevalcap agreement: %@ max |difference| = %.3e", name, difference))
    }

    func testBLEUMatchesPycocoevalcap() {
        let scores = bleuScores(hypotheses: fixture.tokenizedHypotheses, references: fixture.tokenizedReferences)
        var worst = 0.0
        for order in 0..<4 {
            let difference = abs(scores.corpus[order] - fixture.scores.bleu[order])
            worst = max(worst, difference)
            XCTAssertEqual(scores.corpus[order], fixture.scores.bleu[order], accuracy: 1e-4, "corpus BLEU-\(order + 1)")
        }
        report("BLEU-1..4 corpus", worst)
        worst = 0
        for (index, expected) in fixture.perImage.bleu.enumerated() {
            for order in 0..<4 {
                worst = max(worst, abs(scores.perImage[index][order] - expected[order]))
                XCTAssertEqual(scores.perImage[index][order], expected[order], accuracy: 1e-4,
                               "\(fixture.images[index].id) BLEU-\(order + 1)")
            }
        }
        report("BLEU-1..4 per image", worst)
    }

    func testROUGELMatchesPycocoevalcap() {
        let scores = rougeLScores(hypotheses: fixture.tokenizedHypotheses, references: fixture.tokenizedReferences)
        XCTAssertEqual(scores.corpus, fixture.scores.rougeL, accuracy: 1e-4)
        report("ROUGE-L corpus", abs(scores.corpus - fixture.scores.rougeL))
        var worst = 0.0
        for (index, expected) in fixture.perImage.rougeL.enumerated() {
            worst = max(worst, abs(scores.perImage[index] - expected))
            XCTAssertEqual(scores.perImage[index], expected, accuracy: 1e-4, fixture.images[index].id)
        }
        report("ROUGE-L per image", worst)
    }

    private func checkCIDEr(_ variant: CIDErVariant, corpus: Double, perImage: [Double], name: String) {
        let scores = ciderScores(hypotheses: fixture.tokenizedHypotheses, references: fixture.tokenizedReferences,
                                 variant: variant)
        XCTAssertEqual(scores.corpus, corpus, accuracy: 1e-4 * max(1, abs(corpus)), "\(name) corpus")
        report("\(name) corpus", abs(scores.corpus - corpus))
        var worst = 0.0
        for (index, expected) in perImage.enumerated() {
            worst = max(worst, abs(scores.perImage[index] - expected))
            XCTAssertEqual(scores.perImage[index], expected, accuracy: 1e-4 * max(1, abs(expected)),
                           "\(name) \(fixture.images[index].id)")
        }
        report("\(name) per image", worst)
    }

    func testCIDErDMatchesPycocoevalcapCider() {
        checkCIDEr(.ciderD, corpus: fixture.scores.ciderD, perImage: fixture.perImage.ciderD, name: "CIDEr-D")
    }

    func testPlainCIDErMatchesTranscribedReference() {
        checkCIDEr(.plain, corpus: fixture.scores.ciderPlain, perImage: fixture.perImage.ciderPlain, name: "CIDEr (plain)")
    }

    /// The fixture text is already tokenised; the PTB-style tokenizer must leave it as it is, so the
    /// full `evaluate` entry point gives pycocoevalcap's numbers too.
    func testEvaluateWithTokenizerMatchesPycocoevalcap() throws {
        var hypotheses: [String: String] = [:]
        var references: [String: [String]] = [:]
        let tokenizer = PTBTokenizer()
        for image in fixture.images {
            hypotheses[image.id] = image.hypothesis
            references[image.id] = image.references
            XCTAssertEqual(tokenizer.tokenizedString(image.hypothesis), image.hypothesis)
        }
        let scores = try evaluate(hypotheses: hypotheses, references: references)
        for order in 0..<4 {
            XCTAssertEqual(scores.bleu[order], fixture.scores.bleu[order], accuracy: 1e-4)
        }
        XCTAssertEqual(scores.rougeL, fixture.scores.rougeL, accuracy: 1e-4)
        XCTAssertEqual(scores.ciderD, fixture.scores.ciderD, accuracy: 1e-4 * fixture.scores.ciderD)
        XCTAssertEqual(scores.ciderPlain, fixture.scores.ciderPlain, accuracy: 1e-4 * fixture.scores.ciderPlain)
        for (index, image) in fixture.images.enumerated() {
            let imageScores = try XCTUnwrap(scores.perImage[image.id])
            XCTAssertEqual(imageScores.ciderD, fixture.perImage.ciderD[index], accuracy: 1e-4 * max(1, fixture.perImage.ciderD[index]))
            XCTAssertEqual(imageScores.rougeL, fixture.perImage.rougeL[index], accuracy: 1e-4)
            XCTAssertEqual(imageScores.bleu[3], fixture.perImage.bleu[index][3], accuracy: 1e-4)
        }
    }
}
