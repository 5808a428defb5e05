import Captioning
import XCTest

/// Finding the caption file in a folder and telling a file's format.
final class CaptionFormatDetectionTests: XCTestCase {
    func testFolderOfEachFormat() throws {
        let expected: [(String, CaptionFormat)] = [
            ("flickr8k", .flickr8k), ("kaggle", .csv), ("karpathy", .karpathy), ("coco", .coco), ("tsv", .tsv),
        ]
        for (folder, format) in expected {
            let dataset = try CaptionDatasetReader().read(from: CaptionFixtures.path(folder))
            XCTAssertEqual(dataset.format, format, folder)
        }
    }

    func testKarpathyWinsInAFolderWithSeveralFormats() throws {
        let folder = CaptionFixtures.path("three-formats")
        XCTAssertEqual(try CaptionDatasetReader().read(from: folder).format, .karpathy)
        XCTAssertEqual(try CaptionDatasetReader(format: .flickr8k).read(from: folder).sources, [folder + "/Flickr8k.token.txt"])
        XCTAssertEqual(try CaptionDatasetReader(format: .csv).read(from: folder).sources, [folder + "/captions.txt"])
        XCTAssertEqual(try CaptionDatasetReader(format: .karpathy).read(from: folder).sources, [folder + "/dataset_flickr8k.json"])
    }

    func testOverrideWithoutSuchAFileIsAnError() {
        let folder = CaptionFixtures.path("three-formats")
        let error = captureDatasetError { _ = try CaptionDatasetReader(format: .coco).read(from: folder) }
        XCTAssertEqual(error?.kind, .unknownFormat)
        XCTAssertTrue(error?.description.hasPrefix("\(folder): holds no coco caption file; looked for") ?? false,
                      error?.description ?? "")
    }

    func testFileFormatFromContent() throws {
        let expected: [(String, CaptionFormat)] = [
            ("detect/flickr_lines.txt", .flickr8k), ("detect/kaggle_lines.txt", .csv), ("detect/tab_lines.txt", .tsv),
            ("detect/karpathy_like.json", .karpathy), ("detect/coco_like.json", .coco),
        ]
        for (file, format) in expected {
            let dataset = try CaptionDatasetReader(checksImageFiles: false).read(from: CaptionFixtures.path(file))
            XCTAssertEqual(dataset.format, format, file)
            XCTAssertEqual(dataset.images.map(\.relativePath), ["d1.jpg"], file)
            XCTAssertEqual(dataset.images.first?.captions.first, "A dog .", file)
        }
    }

    func testFileFormatOverrideWins() throws {
        // A token.txt line read as TSV: the image name keeps its "#0".
        let dataset = try CaptionDatasetReader(format: .tsv, checksImageFiles: false)
            .read(from: CaptionFixtures.path("detect/flickr_lines.txt"))
        XCTAssertEqual(dataset.images.map(\.relativePath), ["d1.jpg#0", "d1.jpg#1"])
    }

    func testUnknownFormats() {
        let mystery = CaptionFixtures.path("detect/mystery.txt")
        let error = captureDatasetError { _ = try CaptionDatasetReader().read(from: mystery) }
        XCTAssertEqual(error?.kind, .unknownFormat)
        XCTAssertEqual(error?.description, "\(mystery):1: cannot tell the caption format from the first line \"hello world\"; "
                       + "choose a format (flickr8k, csv, karpathy, coco, tsv)")

        let json = CaptionFixtures.path("detect/unknown.json")
        let jsonError = captureDatasetError { _ = try CaptionDatasetReader().read(from: json) }
        XCTAssertEqual(jsonError?.kind, .unknownFormat)

        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-empty-\(UUID().uuidString)").path
        XCTAssertNoThrow(try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let folderError = captureDatasetError { _ = try CaptionDatasetReader().read(from: empty) }
        XCTAssertEqual(folderError?.kind, .unknownFormat)
        XCTAssertTrue(folderError?.message.hasPrefix("holds no caption file; looked for dataset_*.json (karpathy)") ?? false,
                      folderError?.message ?? "")
    }

    func testMissingPathIsAnError() {
        let error = captureDatasetError { _ = try CaptionDatasetReader().read(from: "/nonexistent/flickr8k") }
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertEqual(error?.description, "/nonexistent/flickr8k: no such file or folder")
    }

    func testFormatNamesAreTheCommandLineNames() {
        XCTAssertEqual(CaptionFormat.allCases.map(\.rawValue), ["flickr8k", "csv", "karpathy", "coco", "tsv"])
        XCTAssertEqual(CaptionFormat(rawValue: "karpathy"), .karpathy)
    }
}
