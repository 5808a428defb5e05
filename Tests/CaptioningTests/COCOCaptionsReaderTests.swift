import Captioning
import XCTest

/// COCO `captions_*.json` on `Fixtures/captions/coco` (`annotations/`, `train2014/`, `val2014/`).
final class COCOCaptionsReaderTests: XCTestCase {
    let trainFile = CaptionFixtures.path("coco/annotations/captions_train2014.json")
    let valFile = CaptionFixtures.path("coco/annotations/captions_val2014.json")

    func testFolderReadsTrainAndValTogether() throws {
        let dataset = try CaptionDatasetReader().read(from: CaptionFixtures.path("coco"))
        XCTAssertEqual(dataset.format, .coco)
        XCTAssertEqual(dataset.sources, [trainFile, valFile])
        XCTAssertEqual(dataset.imageFolder, CaptionFixtures.path("coco"), "the parent of annotations/ holds train2014/ and val2014/")
        XCTAssertEqual(dataset.images.map(\.relativePath), [
            "train2014/COCO_train2014_000000000001.jpg",
            "train2014/COCO_train2014_000000000002.jpg",
            "train2014/COCO_train2014_000000000004.jpg",
            "val2014/COCO_val2014_000000000100.jpg",
        ])
        XCTAssertEqual(dataset.images.map(\.imageID), [1, 2, 4, 100])
        XCTAssertEqual(dataset.images.map(\.split), [.train, .train, .train, .val])
        XCTAssertEqual(dataset.images[0].captions, ["A plane on a runway.", "An airplane waits to take off."])
        XCTAssertEqual(dataset.images[3].captions, ["A pizza on a table.", "A cheese pizza."])
        XCTAssertEqual(dataset.captionCount, 6)
    }

    func testReportsBadEntriesWithFileAndLine() throws {
        let dataset = try CaptionDatasetReader().read(from: CaptionFixtures.path("coco"))
        XCTAssertEqual(dataset.issuePlaces, [
            "captions_train2014.json:8:malformed:1",
            "captions_train2014.json:14:emptyCaption:1",
            "captions_train2014.json:17:malformed:1",
            "captions_train2014.json:18:malformed:1",
            "captions_train2014.json:19:malformed:1",
            "captions_train2014.json:6:malformed:1",
            "captions_train2014.json:-:note:0",
            "captions_val2014.json:4:missingImage:1",
        ])
        XCTAssertEqual(dataset.issues.map(\.message).dropLast(), [
            "images[4]: missing integer \"id\"",
            "annotations[2]: empty caption",
            "annotations[5]: image_id 99 is not in \"images\"",
            "annotations[6]: missing \"caption\" string",
            "annotations[7]: missing integer \"image_id\"",
            "images[2]: missing or empty \"file_name\" (image id 3)",
            "1 image has no captions",
        ])
        XCTAssertTrue(dataset.issues.last!.message.hasPrefix("image val2014/COCO_val2014_000000000101.jpg not found in "))
    }

    func testSingleFileAndSplitFromName() throws {
        let dataset = try CaptionDatasetReader().read(from: valFile)
        XCTAssertEqual(dataset.images.map(\.split), [.val])
        XCTAssertEqual(dataset.issues(ofKind: .missingImage).count, 1)
    }

    func testMissingAnnotationsIsAnError() {
        let error = captureDatasetError {
            _ = try CaptionDatasetReader().read(from: CaptionFixtures.path("bad/captions_nostructure.json"))
        }
        XCTAssertEqual(error?.kind, .unexpectedStructure)
        XCTAssertTrue(error?.message.contains("\"images\" and \"annotations\" arrays") ?? false, error?.message ?? "")
    }
}
