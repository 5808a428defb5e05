import Captioning
import XCTest

/// Building a vocabulary, special ids, encoding and decoding.
final class VocabularyTests: XCTestCase {
    let captions: [[String]] = [
        ["a", "dog", "runs"],
        ["a", "dog", "sits"],
        ["a", "cat", "sits"],
        ["the", "cat", "sleeps"],
        ["a", "very", "very", "very", "very", "very", "long", "caption"],
    ]

    func testSpecialTokensHaveTheFirstFourIds() {
        let vocabulary = Vocabulary.build(fromTokenizedCaptions: captions, minimumCount: 1, maximumLength: 10)
        XCTAssertEqual(Array(vocabulary.words.prefix(4)), ["<pad>", "<start>", "<end>", "<unk>"])
        XCTAssertEqual(Vocabulary.specialTokens, ["<pad>", "<start>", "<end>", "<unk>"])
        XCTAssertEqual([Vocabulary.padID, Vocabulary.startID, Vocabulary.endID, Vocabulary.unknownID], [0, 1, 2, 3])
        XCTAssertEqual(vocabulary.id(of: "<pad>"), 0)
        XCTAssertEqual(vocabulary.id(of: "<end>"), 2)
    }

    func testMinimumCountAndOrder() {
        let all = Vocabulary.build(fromTokenizedCaptions: captions, minimumCount: 1, maximumLength: 10)
        // very 5, a 4, cat 2, dog 2, sits 2 (ties alphabetical), then the words seen once.
        XCTAssertEqual(Array(all.words.dropFirst(4)),
                       ["very", "a", "cat", "dog", "sits", "caption", "long", "runs", "sleeps", "the"])
        let twice = Vocabulary.build(fromTokenizedCaptions: captions, minimumCount: 2, maximumLength: 10)
        XCTAssertEqual(Array(twice.words.dropFirst(4)), ["very", "a", "cat", "dog", "sits"])
        XCTAssertEqual(twice.count, 9)
        XCTAssertEqual(twice.id(of: "runs"), Vocabulary.unknownID, "a word seen once is unknown at minimum count 2")
        XCTAssertFalse(twice.contains("runs"))
        XCTAssertTrue(twice.contains("sits"))
        let four = Vocabulary.build(fromTokenizedCaptions: captions, minimumCount: 4, maximumLength: 10)
        XCTAssertEqual(Array(four.words.dropFirst(4)), ["very", "a"], "the threshold is inclusive: a is seen 4 times")
        XCTAssertEqual(four.minimumCount, 4)
        let five = Vocabulary.build(fromTokenizedCaptions: captions, minimumCount: 5, maximumLength: 10)
        XCTAssertEqual(Array(five.words.dropFirst(4)), ["very"])
    }

    func testLongCaptionsAreSkippedNotTruncated() {
        let vocabulary = Vocabulary.build(fromTokenizedCaptions: captions, minimumCount: 1, maximumLength: 5)
        XCTAssertFalse(vocabulary.contains("very"), "words of a caption longer than maximumLength are not counted")
        XCTAssertEqual(vocabulary.encodedLength, 7)
        XCTAssertNil(vocabulary.encode(captions[4]), "a caption of 8 words does not encode at maximum length 5")
        XCTAssertFalse(vocabulary.fits(captions[4]))
        XCTAssertNotNil(vocabulary.encode(["a", "b", "c", "d", "e"]))
    }

    func testSpecialTokensInCaptionsAreNotCounted() {
        let vocabulary = Vocabulary.build(fromTokenizedCaptions: [["<end>", "<pad>", "dog"]], minimumCount: 1, maximumLength: 10)
        XCTAssertEqual(vocabulary.words, ["<pad>", "<start>", "<end>", "<unk>", "dog"])
    }

    func testEncodeAndDecodeRoundTrip() {
        let vocabulary = Vocabulary.build(fromTokenizedCaptions: captions, minimumCount: 2, maximumLength: 10)
        let ids = vocabulary.encode(["a", "dog", "sits"])
        XCTAssertEqual(ids, [1, vocabulary.id(of: "a"), vocabulary.id(of: "dog"), vocabulary.id(of: "sits"), 2])
        XCTAssertEqual(vocabulary.decode(ids ?? []), ["a", "dog", "sits"])

        let padded = vocabulary.encode(["a", "cat", "runs"], paddedTo: vocabulary.encodedLength)
        XCTAssertEqual(padded?.count, 12)
        XCTAssertEqual(padded.map { Array($0.suffix(7)) }, [0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(padded?[3], Vocabulary.unknownID)
        XCTAssertEqual(vocabulary.decode(padded ?? []), ["a", "cat"], "<unk> is dropped")
        XCTAssertEqual(vocabulary.decode(padded ?? [], keepingUnknown: true), ["a", "cat", "<unk>"])
        XCTAssertNil(vocabulary.encode(["a", "cat"], paddedTo: 3), "<start> a cat <end> needs 4")

        let tokenizer = CaptionTokenizer()
        let sentence = "A dog sits."
        XCTAssertEqual(vocabulary.decode(vocabulary.encode(tokenizer.tokenize(sentence)) ?? []).joined(separator: " "), "a dog sits")
    }

    func testDecodeStopsAtEndAndSkipsSpecialsAndBadIds() {
        let vocabulary = Vocabulary.build(fromTokenizedCaptions: captions, minimumCount: 2, maximumLength: 10)
        let a = vocabulary.id(of: "a"), cat = vocabulary.id(of: "cat"), dog = vocabulary.id(of: "dog")
        XCTAssertEqual(vocabulary.decode([1, a, 0, cat, 2, dog, dog]), ["a", "cat"])
        XCTAssertEqual(vocabulary.decode([a, 1, -5, 999, cat]), ["a", "cat"], "ids out of range are dropped, never a crash")
        XCTAssertEqual(vocabulary.decode([]), [])
        XCTAssertEqual(vocabulary.word(forID: 0), "<pad>")
        XCTAssertNil(vocabulary.word(forID: 999))
    }

    func testBuildFromTrainingImagesOnly() {
        let images = [
            CaptionedImage(relativePath: "a.jpg", imageID: 0, split: .train, captions: ["A dog runs.", "A dog!"]),
            CaptionedImage(relativePath: "b.jpg", imageID: 1, split: .restval, captions: ["A cat."]),
            CaptionedImage(relativePath: "c.jpg", imageID: 2, split: .val, captions: ["A zebra.", "A zebra."]),
        ]
        let vocabulary = Vocabulary.build(from: images, minimumCount: 1, maximumLength: 10)
        XCTAssertEqual(Array(vocabulary.words.dropFirst(4)), ["a", "dog", "cat", "runs"])
        XCTAssertFalse(vocabulary.contains("zebra"), "validation captions do not enter the vocabulary")
    }

    func testInvalidWordListsAreRejected() {
        func error(_ words: [String]) -> VocabularyError? {
            do {
                _ = try Vocabulary(words: words, minimumCount: 1, maximumLength: 10)
                return nil
            } catch { return error }
        }
        XCTAssertNil(error(["<pad>", "<start>", "<end>", "<unk>", "dog"]))
        XCTAssertEqual(error(["<start>", "<pad>", "<end>", "<unk>"])?.description,
                       "vocabulary: word 0 must be <pad> (the special tokens come first: <pad>, <start>, <end>, <unk>), found \"<start>\"")
        XCTAssertEqual(error(["<pad>", "<start>"])?.message,
                       "word 2 must be <end> (the special tokens come first: <pad>, <start>, <end>, <unk>), found the end of the list")
        XCTAssertEqual(error(["<pad>", "<start>", "<end>", "<unk>", "dog", "dog"])?.message, "word 5 \"dog\" repeats word 4")
        XCTAssertEqual(error(["<pad>", "<start>", "<end>", "<unk>", ""])?.message, "word 4 is empty")
    }
}
