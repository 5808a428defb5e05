import Captioning
import XCTest

/// `Flickr8k.token.txt` with its split lists, on `Fixtures/captions/flickr8k`.
final class Flickr8kTokenReaderTests: XCTestCase {
    let file = CaptionFixtures.path("flickr8k/Flickr8k.token.txt")

    func testReadsGroupsAndSplits() throws {
        let dataset = try CaptionDatasetReader(format: .flickr8k).read(from: file)
        XCTAssertEqual(dataset.format, .flickr8k)
        XCTAssertEqual(dataset.images.map(\.relativePath), ["img_a.jpg", "img_b.jpg", "img_c.jpg", "img_e.jpg"])
        XCTAssertEqual(dataset.images.map(\.imageID), [0, 1, 2, 4], "ids are the order of first appearance, gaps where images were dropped")
        XCTAssertEqual(dataset.images.map(\.split), [.train, .train, .val, .test])
        XCTAssertEqual(dataset.image("img_a.jpg")?.captions,
                       ["A dog runs on the grass .", "A brown dog is running .", "The dog is playing outside ."],
                       "lines of one image are grouped even when apart")
        XCTAssertEqual(dataset.image("img_c.jpg")?.captions, ["A grey cat naps ."])
        XCTAssertNil(dataset.images[0].tokens, "token.txt has no tokens")
        XCTAssertEqual(dataset.captionCount, 6)
        XCTAssertEqual(dataset.pairs.count, 6)
        XCTAssertEqual(dataset.splitSources.count, 3)
        XCTAssertEqual(dataset.imageFolder, CaptionFixtures.path("flickr8k/images"))
        XCTAssertTrue(dataset.checkedImageFiles)
    }

    func testReportsBadLinesWithFileAndLine() throws {
        let dataset = try CaptionDatasetReader().read(from: file)
        XCTAssertEqual(dataset.issuePlaces, [
            "Flickr8k.token.txt:4:emptyCaption:1",
            "Flickr8k.token.txt:5:malformed:1",
            "Flickr8k.token.txt:6:malformed:1",
            "Flickr8k.token.txt:7:malformed:1",
            "Flickr8k.token.txt:12:emptyCaption:1",
            "Flickr_8k.testImages.txt:2:note:0",
            "Flickr8k.token.txt:9:missingImage:2",
        ])
        XCTAssertEqual(dataset.issues[0].path, file)
        XCTAssertEqual(dataset.issues[0].description, "\(file):4: empty caption")
        XCTAssertEqual(dataset.issues[1].message, "expected 2 tab-separated fields (name.jpg#N, caption), found 1")
        XCTAssertEqual(dataset.issues[2].message, "expected 2 tab-separated fields (name.jpg#N, caption), found 3")
        XCTAssertTrue(dataset.issues[3].message.contains("name.jpg#N, found \"img_c.jpg\""), dataset.issues[3].message)
        XCTAssertEqual(dataset.issues[4].message, "caption \". . .\" has no words")
        XCTAssertEqual(dataset.issues[5].message, "img_b.jpg is already in the train list; keeping train")
        XCTAssertTrue(dataset.issues[6].message.hasPrefix("image img_d.jpg not found in "), dataset.issues[6].message)
        XCTAssertTrue(dataset.issues[6].message.hasSuffix("; skipped its 2 captions"), dataset.issues[6].message)
        XCTAssertEqual(dataset.skippedCount, 7)
        XCTAssertEqual(dataset.summary,
                       "read 4 images, 6 captions from \(file) (flickr8k; train 2, val 1, test 1 images); "
                       + "skipped 7 lines (3 malformed, 2 empty captions, 2 for 1 missing image); 1 note")
    }

    func testWithoutCheckingImagesKeepsImagesWithoutFiles() throws {
        let dataset = try CaptionDatasetReader(checksImageFiles: false).read(from: file)
        XCTAssertEqual(dataset.images.count, 5)
        XCTAssertEqual(dataset.image("img_d.jpg")?.captions, ["A man rides a bike .", "A cyclist on a road ."])
        XCTAssertFalse(dataset.checkedImageFiles)
        XCTAssertTrue(dataset.issues(ofKind: .missingImage).isEmpty)
        XCTAssertTrue(dataset.summary.hasSuffix("; 1 note; image files not checked"), dataset.summary)
    }

    func testWithoutSplitListsSplitIsUnknown() throws {
        let dataset = try CaptionDatasetReader(checksImageFiles: false).read(from: CaptionFixtures.path("detect/flickr_lines.txt"))
        XCTAssertEqual(dataset.format, .flickr8k)
        XCTAssertEqual(dataset.images.map(\.split), [.unknown])
        XCTAssertEqual(dataset.images.first?.captions, ["A dog .", "A black dog ."])
        XCTAssertTrue(dataset.splitSources.isEmpty)
    }

    func testExplicitImageFolderThatDoesNotExistIsAnError() {
        let error = captureDatasetError {
            _ = try CaptionDatasetReader(imageFolder: "/nonexistent/images").read(from: file)
        }
        XCTAssertEqual(error?.kind, .imageFolderNotFound)
        XCTAssertEqual(error?.description, "/nonexistent/images: image folder not found")
    }

    func testIssueReportIsShort() throws {
        let dataset = try CaptionDatasetReader().read(from: file)
        let report = dataset.issueReport(limit: 2)
        XCTAssertEqual(report.split(separator: "\n").count, 3)
        XCTAssertTrue(report.hasSuffix("… and 5 more"), report)
    }
}
