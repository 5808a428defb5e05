import Captioning
import XCTest

/// Kaggle's `captions.txt` CSV on `Fixtures/captions/kaggle` (CRLF line ends, `Images/`), and
/// RFC 4180 quoting edge cases.
final class CaptionCSVReaderTests: XCTestCase {
    let file = CaptionFixtures.path("kaggle/captions.txt")

    func testQuotingEdgeCases() throws {
        let dataset = try CaptionDatasetReader().read(from: CaptionFixtures.path("kaggle"))
        XCTAssertEqual(dataset.format, .csv)
        XCTAssertEqual(dataset.sources, [file])
        XCTAssertEqual(dataset.imageFolder, CaptionFixtures.path("kaggle/Images"))
        XCTAssertEqual(dataset.images.map(\.relativePath), ["k1.jpg", "k2.jpg", "k3.jpg"])
        XCTAssertEqual(dataset.image("k1.jpg")?.captions, [
            "A simple caption .",
            "A dog , a ball , and a boy .",
            "She said \"hello\" to him .",
        ])
        XCTAssertEqual(dataset.image("k2.jpg")?.captions, [
            "A caption that spans\r\ntwo lines .",
            "Unquoted with a \"quote\" inside .",
        ], "a quoted field keeps its line break; a quote inside an unquoted field is kept")
        XCTAssertEqual(dataset.image("k3.jpg")?.captions, ["Ends with a doubled quote \""])
        XCTAssertEqual(dataset.images.map(\.split), [.unknown, .unknown, .unknown], "no split lists beside the file")
    }

    func testReportsBadRecordsWithFileAndLine() throws {
        let dataset = try CaptionDatasetReader(format: .csv).read(from: file)
        XCTAssertEqual(dataset.issuePlaces, [
            "captions.txt:8:malformed:1",
            "captions.txt:9:emptyCaption:1",
            "captions.txt:10:malformed:1",
            "captions.txt:11:malformed:1",
            "captions.txt:14:emptyCaption:1",
            "captions.txt:15:malformed:2",
            "captions.txt:13:missingImage:1",
        ])
        XCTAssertEqual(dataset.issues[0].message,
                       "expected 2 comma-separated fields (image,caption), found 4; quote a caption that contains commas")
        XCTAssertEqual(dataset.issues[2].message, "empty image name")
        XCTAssertEqual(dataset.issues[3].message,
                       "unexpected ' ' after the closing quote of field 2; write a double quote inside a quoted field as \"\"")
        XCTAssertTrue(dataset.issues[5].message.contains("never closed"), dataset.issues[5].message)
        XCTAssertEqual(dataset.summary,
                       "read 3 images, 6 captions from \(file) (csv; unknown 3 images); "
                       + "skipped 8 lines (5 malformed, 2 empty captions, 1 for 1 missing image)")
    }

    func testSplitsFromFlickrListsBesideTheFile() throws {
        let dataset = try CaptionDatasetReader(format: .csv).read(from: CaptionFixtures.path("three-formats"))
        XCTAssertEqual(dataset.images.map(\.relativePath), ["x1.jpg", "x2.jpg", "x3.jpg"])
        XCTAssertEqual(dataset.images.map(\.split), [.train, .train, .val])
        XCTAssertEqual(dataset.image("x1.jpg")?.captions, ["A dog , wet , shakes off water .", "A dog's T-shirt is \"red\" ."])
        XCTAssertTrue(dataset.issues.isEmpty, "\(dataset.issues)")
    }

    func testHeaderMayNameColumnsInAnyOrder() throws {
        let folder = try temporaryFolder()
        let path = folder + "/pairs.csv"
        try "caption,source,image\n\"A cat, asleep\",web,c.jpg\nA dog,web,d.jpg\nshort,row\n".write(toFile: path, atomically: true, encoding: .utf8)
        let dataset = try CaptionDatasetReader(checksImageFiles: false).read(from: path)
        XCTAssertEqual(dataset.images.map(\.relativePath), ["c.jpg", "d.jpg"])
        XCTAssertEqual(dataset.images.map(\.captions), [["A cat, asleep"], ["A dog"]])
        XCTAssertEqual(dataset.issuePlaces, ["pairs.csv:4:malformed:1"])
        XCTAssertEqual(dataset.issues.first?.message, "expected 3 comma-separated fields (caption,source,image), found 2")
    }

    func testUnclosedQuoteAloneLeavesNothingUsable() {
        let error = captureDatasetError {
            _ = try CaptionDatasetReader().read(from: CaptionFixtures.path("bad/truncated.csv"))
        }
        XCTAssertEqual(error?.kind, .noUsableCaptions)
        XCTAssertTrue(error?.description.contains("truncated.csv:2: the quoted field 2 opened on this line is never closed") ?? false,
                      error?.description ?? "")
    }

    private func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-csv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }
}
