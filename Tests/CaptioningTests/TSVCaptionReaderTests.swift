import Captioning
import XCTest

/// Plain `image<TAB>caption` files on `Fixtures/captions/tsv` (images beside the file).
final class TSVCaptionReaderTests: XCTestCase {
    let file = CaptionFixtures.path("tsv/captions.tsv")

    func testGroupsRepeatedImagesAndReportsBadLines() throws {
        let dataset = try CaptionDatasetReader().read(from: CaptionFixtures.path("tsv"))
        XCTAssertEqual(dataset.format, .tsv)
        XCTAssertEqual(dataset.imageFolder, CaptionFixtures.path("tsv"))
        XCTAssertEqual(dataset.images.map(\.relativePath), ["t1.png", "t2.png"])
        XCTAssertEqual(dataset.images.map(\.captions), [
            ["A red square .", "A small red square ."],
            ["A blue circle .", "A circle, blue ."],
        ])
        XCTAssertEqual(dataset.issuePlaces, [
            "captions.tsv:5:malformed:1",
            "captions.tsv:6:emptyCaption:1",
            "captions.tsv:8:missingImage:1",
        ])
        XCTAssertEqual(dataset.issues[0].message, "expected 2 tab-separated fields (image, caption), found 3")
        XCTAssertEqual(dataset.summary,
                       "read 2 images, 4 captions from \(file) (tsv; unknown 2 images); "
                       + "skipped 3 lines (1 malformed, 1 empty caption, 1 for 1 missing image)")
    }

    func testNothingUsableIsAnErrorNamingTheFile() {
        let path = CaptionFixtures.path("bad/all_bad.tsv")
        let error = captureDatasetError { _ = try CaptionDatasetReader().read(from: path) }
        XCTAssertEqual(error?.kind, .noUsableCaptions)
        XCTAssertEqual(error?.path, path)
        XCTAssertEqual(error?.description,
                       "\(path): no usable captions: all 3 lines skipped; "
                       + "first problem: \(path):1: expected 2 tab-separated fields (image, caption), found 1")
    }
}
