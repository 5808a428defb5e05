import CaptionMetrics
import XCTest

/// The `evaluate` entry point: tokenisation of both sides, ID checks, per-image scores.
final class EvaluationTests: XCTestCase {
    func testRawCaptionsAreTokenisedOnBothSides() throws {
        let raw = try evaluate(
            hypotheses: [1: "A dog runs on the grass.", 2: "Two MEN, riding bikes!"],
            references: [1: ["a dog is running on the grass", "A dog runs on grass."],
                         2: ["Two men ride bikes.", "two men riding their bikes down a road"]])
        let tokenised = try evaluate(
            tokenizedHypotheses: [1: ["a", "dog", "runs", "on", "the", "grass"], 2: ["two", "men", "riding", "bikes"]],
            tokenizedReferences: [1: [["a", "dog", "is", "running", "on", "the", "grass"], ["a", "dog", "runs", "on", "grass"]],
                                  2: [["two", "men", "ride", "bikes"],
                                      ["two", "men", "riding", "their", "bikes", "down", "a", "road"]]])
        XCTAssertEqual(raw.bleu, tokenised.bleu)
        XCTAssertEqual(raw.rougeL, tokenised.rougeL)
        XCTAssertEqual(raw.ciderD, tokenised.ciderD)
        XCTAssertEqual(raw.ciderPlain, tokenised.ciderPlain)
        XCTAssertEqual(raw.imageIDs, [1, 2])
        XCTAssertEqual(raw.perImage[1], tokenised.perImage[1])
        XCTAssertGreaterThan(raw.bleu[0], 0.5)
    }

    func testPerfectCaptionsScoreOne() throws {
        let scores = try evaluate(hypotheses: [ImageID.string("a.jpg"): "a dog runs on the grass",
                                               .string("b.jpg"): "a cat sleeps on a red sofa"],
                                  references: [.string("a.jpg"): ["a dog runs on the grass"],
                                               .string("b.jpg"): ["a cat sleeps on a red sofa"]])
        for value in scores.bleu { XCTAssertEqual(value, 1, accuracy: 1e-9) }
        XCTAssertEqual(scores.rougeL, 1, accuracy: 1e-12)
        XCTAssertEqual(scores.ciderD, 10, accuracy: 1e-9)
        XCTAssertEqual(scores.namedScores.map(\.name),
                       ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr", "CIDEr_plain"])
    }

    func testMismatchedImagesAreErrors() {
        XCTAssertThrowsError(try evaluate(hypotheses: [1: "a dog"], references: [1: ["a dog"], 2: ["a cat"]])) { error in
            XCTAssertEqual(error as? CaptionEvaluationError, .missingHypothesis(image: "2"))
        }
        XCTAssertThrowsError(try evaluate(hypotheses: [1: "a dog", 3: "a cat"], references: [1: ["a dog"]])) { error in
            XCTAssertEqual(error as? CaptionEvaluationError, .missingReferences(image: "3"))
        }
        XCTAssertThrowsError(try evaluate(hypotheses: [1: "a dog"], references: [1: []])) { error in
            XCTAssertEqual(error as? CaptionEvaluationError, .missingReferences(image: "1"))
        }
        XCTAssertThrowsError(try evaluate(hypotheses: [Int: String](), references: [:])) { error in
            XCTAssertEqual(error as? CaptionEvaluationError, .noImages)
        }
    }
}
