import Captioning
import XCTest

/// Karpathy's `dataset_*.json` on `Fixtures/captions/karpathy` (pretty-printed so that lines
/// mean something).
final class KarpathySplitReaderTests: XCTestCase {
    let file = CaptionFixtures.path("karpathy/dataset_flickr8k.json")

    func testReadsImagesSplitsAndTokens() throws {
        let dataset = try CaptionDatasetReader().read(from: CaptionFixtures.path("karpathy"))
        XCTAssertEqual(dataset.format, .karpathy)
        XCTAssertEqual(dataset.images.map(\.relativePath), ["p1.jpg", "sub/p2.jpg", "p3.jpg", "p4.jpg"])
        XCTAssertEqual(dataset.images.map(\.imageName), ["p1.jpg", "p2.jpg", "p3.jpg", "p4.jpg"])
        XCTAssertEqual(dataset.images.map(\.imageID), [10, 11, 12, 14])
        XCTAssertEqual(dataset.images.map(\.split), [.train, .restval, .val, .unknown])
        XCTAssertEqual(dataset.image("p1.jpg")?.captions, ["A dog runs .", "A dog is running on grass ."])
        XCTAssertEqual(dataset.image("p1.jpg")?.tokens, [["a", "dog", "runs"], ["a", "dog", "is", "running", "on", "grass"]])
        XCTAssertEqual(dataset.image("sub/p2.jpg")?.captions, ["Two birds on a wire ."])
        XCTAssertEqual(dataset.image("sub/p2.jpg")?.pairs.first?.tokens, ["two", "birds", "on", "a", "wire"])
        XCTAssertEqual(dataset.imageFolder, CaptionFixtures.path("karpathy/images"))
    }

    func testReportsBadEntriesWithFileLineAndEntry() throws {
        let dataset = try CaptionDatasetReader(format: .karpathy).read(from: file)
        XCTAssertEqual(dataset.issuePlaces, [
            "dataset_flickr8k.json:14:malformed:1",
            "dataset_flickr8k.json:15:malformed:1",
            "dataset_flickr8k.json:22:emptyCaption:1",
            "dataset_flickr8k.json:26:malformed:2",
            "dataset_flickr8k.json:33:note:0",
            "dataset_flickr8k.json:46:malformed:1",
            "dataset_flickr8k.json:39:missingImage:2",
        ])
        XCTAssertEqual(dataset.issues.map(\.message).dropLast(), [
            "images[1].sentences[0]: missing \"raw\" string",
            "images[1].sentences[1]: \"tokens\" must be an array of strings",
            "images[2].sentences[0]: empty caption",
            "images[3]: missing or empty \"filename\"",
            "images[4]: split \"holdout\" is not train, val, test or restval; using unknown",
            "images[6]: expected an object, found a string",
        ])
        XCTAssertEqual(dataset.summary,
                       "read 4 images, 5 captions from \(file) (karpathy; train 1, val 1, restval 1, unknown 1 images); "
                       + "skipped 8 entries (5 malformed, 1 empty caption, 2 for 1 missing image); 1 note")
    }

    func testMissingImagesArrayIsAnError() {
        let error = captureDatasetError {
            _ = try CaptionDatasetReader().read(from: CaptionFixtures.path("bad/dataset_noimages.json"))
        }
        XCTAssertEqual(error?.kind, .unexpectedStructure)
        XCTAssertEqual(error?.line, 1)
        XCTAssertTrue(error?.message.contains("\"images\" array (Karpathy split format)") ?? false, error?.message ?? "")
    }

    func testInvalidJSONNamesLineAndColumn() {
        let path = CaptionFixtures.path("bad/dataset_broken.json")
        let error = captureDatasetError { _ = try CaptionDatasetReader().read(from: path) }
        XCTAssertEqual(error?.kind, .invalidJSON)
        XCTAssertEqual(error?.description, "\(path):4: invalid JSON at column 5: expected ',' or ']' in an array, found '{'")
    }
}
