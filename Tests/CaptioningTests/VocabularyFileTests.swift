import Captioning
import XCTest

/// `vocab.json`: save, load, and clear errors for corrupt or mismatched files.
final class VocabularyFileTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-vocab-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func sample() -> Vocabulary {
        Vocabulary.build(fromTokenizedCaptions: [["a", "dog", "runs"], ["a", "\"quoted\"", "café"], ["a", "back\\slash"]],
                         minimumCount: 1, maximumLength: 12)
    }

    private func loadError(_ path: String, expectedCount: Int? = nil) -> VocabularyError? {
        do {
            _ = try Vocabulary.load(from: path, expectedCount: expectedCount)
            XCTFail("\(path) loaded")
            return nil
        } catch {
            return error
        }
    }

    /// Writes the sample, edits its text with `edit`, and returns the path.
    private func edited(_ edit: (String) -> String) throws -> String {
        let path = folder + "/vocab.json"
        try sample().write(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try edit(text).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testSaveAndLoadRoundTrip() throws {
        let vocabulary = sample()
        let path = folder + "/vocab.json"
        try vocabulary.write(to: path)
        let loaded = try Vocabulary.load(from: path)
        XCTAssertEqual(loaded, vocabulary)
        XCTAssertEqual(loaded.maximumLength, 12)
        XCTAssertEqual(loaded.minimumCount, 1)
        XCTAssertEqual(try Vocabulary.load(from: path, expectedCount: vocabulary.count), vocabulary)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertEqual(files, ["vocab.json"], "no temporary file is left behind")

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[8], "    \"<pad>\",", "the word with id i is on line 9 + i")
        XCTAssertEqual(lines[8 + vocabulary.id(of: "café")], "    \"café\",")
        XCTAssertTrue(lines.contains("    \"\\\"quoted\\\"\","), "quotes are escaped")
    }

    func testOverwritingReplacesTheWholeFile() throws {
        let path = folder + "/vocab.json"
        try String(repeating: "x", count: 100_000).write(toFile: path, atomically: false, encoding: .utf8)
        try sample().write(to: path)
        XCTAssertEqual(try Vocabulary.load(from: path), sample())
    }

    func testWritingIntoAMissingFolderFails() {
        do {
            try sample().write(to: folder + "/no/such/folder/vocab.json")
            XCTFail("wrote into a missing folder")
        } catch {
            XCTAssertEqual(error.kind, .unreadable)
            XCTAssertTrue(error.description.hasPrefix(folder + "/no/such/folder/vocab.json: cannot write"), error.description)
        }
    }

    func testTruncatedFileIsInvalidJSONAtItsLine() {
        let path = CaptionFixtures.path("vocab/truncated.json")
        let error = loadError(path)
        XCTAssertEqual(error?.kind, .invalidJSON)
        XCTAssertEqual(error?.line, 14)
        XCTAssertEqual(error?.description, "\(path):14: invalid JSON at column 1: unexpected end of file; expected a value")
    }

    func testSpecialTokensOutOfPlaceNameTheLine() {
        let path = CaptionFixtures.path("vocab/specials_swapped.json")
        let error = loadError(path)
        XCTAssertEqual(error?.kind, .corrupt)
        XCTAssertEqual(error?.line, 9)
        XCTAssertTrue(error?.message.hasPrefix("word 0 must be <pad>") ?? false, error?.message ?? "")
    }

    func testDuplicateWordNamesItsLine() throws {
        let path = try edited { $0.replacingOccurrences(of: "\"runs\"", with: "\"dog\"") }
        let error = loadError(path)
        XCTAssertEqual(error?.kind, .corrupt)
        let dog = sample().id(of: "runs")
        XCTAssertEqual(error?.line, 9 + dog)
        XCTAssertEqual(error?.message, "word \(dog) \"dog\" repeats word \(sample().id(of: "dog"))")
    }

    func testCountThatDisagreesWithTheWords() throws {
        let path = try edited { $0.replacingOccurrences(of: "    \"dog\",\n", with: "") }
        let error = loadError(path)
        XCTAssertEqual(error?.kind, .corrupt)
        XCTAssertEqual(error?.line, 7)
        XCTAssertEqual(error?.message, "\"count\" says \(sample().count) words but \"words\" lists \(sample().count - 1) (truncated or edited?)")
    }

    func testMismatches() throws {
        let tokenizer = try edited { $0.replacingOccurrences(of: CaptionTokenizer.identifier, with: "bert-wordpiece") }
        XCTAssertEqual(loadError(tokenizer)?.kind, .mismatch)
        XCTAssertEqual(loadError(tokenizer)?.line, 4)
        XCTAssertEqual(loadError(tokenizer)?.message,
                       "built with tokenizer \"bert-wordpiece\"; this build tokenises as \"\(CaptionTokenizer.identifier)\"")

        let version = try edited { $0.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2") }
        XCTAssertEqual(loadError(version)?.message, "vocabulary file version 2; this build reads version 1")

        let other = folder + "/other.json"
        try "{\"vocab\": {\"a\": 0}}".write(toFile: other, atomically: true, encoding: .utf8)
        XCTAssertEqual(loadError(other)?.kind, .mismatch)
        XCTAssertEqual(loadError(other)?.message, "not a Glimpse vocabulary (\"format\" must be \"glimpse-vocabulary\")")

        let path = folder + "/vocab.json"
        try sample().write(to: path)
        let size = loadError(path, expectedCount: 2540)
        XCTAssertEqual(size?.kind, .mismatch)
        XCTAssertEqual(size?.description, "\(path): has \(sample().count) words but the model expects 2540")
    }

    func testWrongTypes() throws {
        let array = folder + "/array.json"
        try "[\"<pad>\"]".write(toFile: array, atomically: true, encoding: .utf8)
        XCTAssertEqual(loadError(array)?.message, "expected a JSON object, found an array")

        let limit = try edited { $0.replacingOccurrences(of: "\"maximumLength\": 12", with: "\"maximumLength\": \"12\"") }
        XCTAssertEqual(loadError(limit)?.message, "\"maximumLength\" must be an integer")
        XCTAssertEqual(loadError(limit)?.line, 6)

        let word = try edited { $0.replacingOccurrences(of: "\"runs\"", with: "7") }
        XCTAssertEqual(loadError(word)?.message, "word \(sample().id(of: "runs")) must be a string, found a number")
    }

    func testMissingFile() {
        let error = loadError(folder + "/absent.json")
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertEqual(error?.description, "\(folder)/absent.json: no such file")
    }
}
