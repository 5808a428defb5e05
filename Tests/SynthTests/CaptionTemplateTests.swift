import Synth
import XCTest

final class CaptionTemplateTests: XCTestCase {
    func testEveryGeneratedCaptionIsTrueOfItsScene() {
        let holdOut = [ColorShapePair(color: .red, shape: .circle)]
        let all = samples(count: 2500, seed: 1) + samples(count: 300, side: 96, seed: 2)
            + samples(count: 300, seed: 3, split: .testCompositional, holdOut: holdOut)
        for sample in all {
            XCTAssertEqual(sample.captions.count, CaptionTemplates.captionsPerImage)
            for caption in sample.captions {
                let verdict = SceneChecker.check(caption: caption.text, of: sample.scene)
                XCTAssertTrue(verdict.isTrue, "\(sample.fileName) \"\(caption.text)\": \(verdict.explanation)")
            }
        }
    }

    func testCaptionsAreVariedAndUseTheSmallVocabulary() {
        let vocabulary = Set(CaptionVocabulary.words)
        XCTAssertLessThan(vocabulary.count, 100)
        XCTAssertTrue(vocabulary.allSatisfy { word in word.allSatisfy { $0 >= "a" && $0 <= "z" } })
        var used = Set<String>(), texts = Set<String>(), fullyDistinct = 0, longest = 0
        let all = samples(count: 2000, seed: 4)
        for sample in all {
            let distinct = Set(sample.captions.map(\.text))
            if distinct.count == sample.captions.count { fullyDistinct += 1 }
            for caption in sample.captions {
                used.formUnion(caption.words)
                texts.insert(caption.text)
                longest = max(longest, caption.words.count)
                XCTAssertEqual(caption.text, caption.text.lowercased())
            }
        }
        XCTAssertTrue(used.isSubset(of: vocabulary), "words outside the vocabulary: \(used.subtracting(vocabulary))")
        XCTAssertEqual(used, vocabulary, "every vocabulary word is used")
        XCTAssertGreaterThan(Double(fullyDistinct) / Double(all.count), 0.95)
        XCTAssertGreaterThan(texts.count, 2000)
        XCTAssertLessThanOrEqual(longest, 20)
    }

    func testCaptionsParseBackToTheirMeaning() throws {
        for sample in samples(count: 500, seed: 5) {
            for caption in sample.captions {
                XCTAssertEqual(try CaptionParser.parse(caption.text).meaning, caption)
            }
        }
    }

    func testEveryFamilyAndRelationAppears() {
        var relations = Set<SpatialRelation>(), positions = Set<AbsolutePosition>(), numbers = Set<Int>()
        var there = 0
        for sample in samples(count: 1000, seed: 6) {
            for caption in sample.captions {
                if caption.opensWithThere { there += 1 }
                for clause in caption.clauses {
                    switch clause {
                    case .relation(_, let relation, _): relations.insert(relation)
                    case .position(_, let position): positions.insert(position)
                    case .mention(let phrase): if case .exactly(let count) = phrase.quantity { numbers.insert(count) }
                    }
                }
            }
        }
        XCTAssertEqual(relations, Set(SpatialRelation.allCases))
        XCTAssertEqual(positions, Set(AbsolutePosition.allCases))
        XCTAssertEqual(numbers, [1, 2, 3])
        XCTAssertGreaterThan(there, 500)
    }

    func testEveryNamedObjectCanBeGrounded() {
        // "a" phrases in generated captions always pick out one object, so their words get a box.
        for sample in samples(count: 800, seed: 10) {
            for caption in sample.captions {
                let parsed = try! CaptionParser.parse(tokens: caption.words)
                let boxes = CaptionGrounding.groundedBoxes(tokens: caption.words, scene: sample.scene)
                for (phrase, tokens) in zip(parsed.meaning.phrases, parsed.phraseTokens) where phrase.quantity == .indefinite {
                    XCTAssertNotNil(boxes[tokens.noun], "\(caption.text): \(phrase.words)")
                    let box = boxes[tokens.noun]
                    let object = sample.scene.objects.first { $0.box == box }
                    XCTAssertTrue(object.map(phrase.matches) ?? false, "\(caption.text): grounded to a matching object")
                }
            }
        }
    }
}
