import CaptionMetrics
import Foundation
import XCTest

/// Reading and writing `[{"image_id": ..., "caption": ...}]`, and the errors for malformed files.
final class COCOResultsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("coco-results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func decodeError(_ json: String) -> COCOResultsError? {
        do {
            _ = try COCOResults.decode(Data(json.utf8), file: "results.json")
            return nil
        } catch let error as COCOResultsError {
            return error
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func testReadsIntegerAndStringImageIDs() throws {
        let json = #"[{"image_id": 391895, "caption": "a man on a bike"}, {"image_id": "1000268201_693b08cb0e.jpg", "caption": "a girl", "score": 0.5}]"#
        let results = try COCOResults.decode(Data(json.utf8))
        XCTAssertEqual(results, [
            COCOResult(imageID: .integer(391895), caption: "a man on a bike"),
            COCOResult(imageID: .string("1000268201_693b08cb0e.jpg"), caption: "a girl"),
        ])
        XCTAssertEqual(COCOResults.hypotheses(results)[.integer(391895)], "a man on a bike")
    }

    func testWriteThenReadRoundTrips() throws {
        let results = [
            COCOResult(imageID: .integer(7), caption: "a dog / a cat \"quoted\" \u{e9}"),
            COCOResult(imageID: .string("photo.jpg"), caption: ""),
        ]
        let url = folder.appendingPathComponent("captions.json")
        try COCOResults.write(results, to: url)
        XCTAssertEqual(try COCOResults.read(from: url), results)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("[{\"caption\":\"a dog / a cat"), text)
        XCTAssertTrue(text.contains("\"image_id\":7"), text)
    }

    func testMalformedFilesGiveClearErrors() {
        XCTAssertEqual(decodeError(#"{"image_id": 1, "caption": "x"}"#), .notAnArray(file: "results.json"))
        XCTAssertEqual(decodeError(#"[1]"#), .entryNotAnObject(file: "results.json", index: 0))
        XCTAssertEqual(decodeError(#"[{"caption": "x"}]"#), .missingField(file: "results.json", index: 0, field: "image_id"))
        XCTAssertEqual(decodeError(#"[{"image_id": 1}]"#), .missingField(file: "results.json", index: 0, field: "caption"))
        XCTAssertEqual(decodeError(#"[{"image_id": 1, "caption": "a"}, {"image_id": 1.5, "caption": "b"}]"#),
                       .invalidImageID(file: "results.json", index: 1))
        XCTAssertEqual(decodeError(#"[{"image_id": true, "caption": "a"}]"#), .invalidImageID(file: "results.json", index: 0))
        XCTAssertEqual(decodeError(#"[{"image_id": null, "caption": "a"}]"#), .invalidImageID(file: "results.json", index: 0))
        XCTAssertEqual(decodeError(#"[{"image_id": 3, "caption": 4}]"#), .invalidCaption(file: "results.json", index: 0))
        XCTAssertEqual(decodeError(#"[{"image_id": 3, "caption": "a"}, {"image_id": 3, "caption": "b"}]"#),
                       .duplicateImageID(file: "results.json", imageID: .integer(3), firstIndex: 0, secondIndex: 1))
        guard case .invalidJSON(let file, _)? = decodeError("[{\"image_id\": 3,") else {
            return XCTFail("truncated JSON must be reported as invalid JSON")
        }
        XCTAssertEqual(file, "results.json")
    }

    func testMessagesNameTheFileAndEntry() {
        let message = COCOResultsError.invalidCaption(file: "out/results.json", index: 4).description
        XCTAssertTrue(message.contains("out/results.json") && message.contains("entry 4"), message)
        let duplicate = COCOResultsError.duplicateImageID(file: "r.json", imageID: .string("a.jpg"), firstIndex: 0, secondIndex: 2)
        XCTAssertTrue(duplicate.description.contains("\"a.jpg\""), duplicate.description)
    }

    func testMissingAndUnwritableFiles() {
        let missing = folder.appendingPathComponent("nope.json")
        XCTAssertThrowsError(try COCOResults.read(from: missing)) { error in
            guard case COCOResultsError.unreadable(let file, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, missing.path)
        }
        let unwritable = folder.appendingPathComponent("no/such/folder/out.json")
        XCTAssertThrowsError(try COCOResults.write([], to: unwritable)) { error in
            guard case COCOResultsError.unwritable = error else { return XCTFail("\(error)") }
        }
    }

    func testImageIDOrdering() {
        XCTAssertEqual([ImageID.string("b"), .integer(10), .string("a"), .integer(2)].sorted(),
                       [.integer(2), .integer(10), .string("a"), .string("b")])
    }
}
