import Foundation
import ImageIO
import Synth
import XCTest

final class DatasetFileTests: XCTestCase {
    func testKarpathyJSONIsWellFormed() throws {
        let folder = try temporaryFolder(self)
        var reports: [SynthProgress] = []
        let summary = try SynthDataset.generate(count: 30, side: 48, seed: 2, to: folder) { reports.append($0) }
        XCTAssertEqual(summary.captionCount, 150)
        XCTAssertEqual(reports.first, SynthProgress(completed: 0, total: 30))
        XCTAssertEqual(reports.last, SynthProgress(completed: 30, total: 30))

        let data = try XCTUnwrap(FileManager.default.contents(atPath: folder + "/dataset_synth.json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(root["dataset"] as? String, "synth")
        let images = try XCTUnwrap(root["images"] as? [[String: Any]])
        XCTAssertEqual(images.count, 30)
        var sentenceIDs: [Int] = []
        for (index, image) in images.enumerated() {
            XCTAssertEqual(Set(image.keys), ["filename", "filepath", "split", "imgid", "sentids", "sentences"])
            XCTAssertEqual(image["imgid"] as? Int, index)
            XCTAssertEqual(image["filepath"] as? String, "images")
            XCTAssertTrue(["train", "val", "test"].contains(image["split"] as? String ?? ""))
            let filename = try XCTUnwrap(image["filename"] as? String)
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/images/" + filename))
            let sentences = try XCTUnwrap(image["sentences"] as? [[String: Any]])
            XCTAssertEqual(sentences.count, 5)
            XCTAssertEqual(image["sentids"] as? [Int], sentences.compactMap { $0["sentid"] as? Int })
            for sentence in sentences {
                XCTAssertEqual(Set(sentence.keys), ["tokens", "raw", "imgid", "sentid"])
                XCTAssertEqual(sentence["imgid"] as? Int, index)
                let tokens = try XCTUnwrap(sentence["tokens"] as? [String])
                XCTAssertEqual((sentence["raw"] as? String), tokens.joined(separator: " "))
                sentenceIDs.append(try XCTUnwrap(sentence["sentid"] as? Int))
            }
        }
        XCTAssertEqual(sentenceIDs, Array(0..<150))
        let decoded = try JSONDecoder().decode(KarpathyDataset.self, from: data)
        XCTAssertEqual(decoded.images.count, 30)
    }

    func testCaptionsTSVAndBoxesMatchTheImages() throws {
        let folder = try temporaryFolder(self)
        try SynthDataset.generate(count: 25, seed: 6, to: folder)
        let dataset = try JSONDecoder().decode(KarpathyDataset.self, from: XCTUnwrap(FileManager.default.contents(atPath: folder + "/dataset_synth.json")))

        let tsv = try String(contentsOfFile: folder + "/captions.tsv", encoding: .utf8)
        XCTAssertTrue(tsv.hasSuffix("\n"))
        let lines = tsv.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 125)
        let expected = dataset.images.flatMap { image in image.sentences.map { "images/\(image.filename)\t\($0.raw)" } }
        XCTAssertEqual(lines.map(String.init), expected)

        let boxesText = try String(contentsOfFile: folder + "/boxes.jsonl", encoding: .utf8)
        let boxLines = boxesText.split(separator: "\n")
        XCTAssertEqual(boxLines.count, 25)
        for line in boxLines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(Set(object.keys), ["filename", "filepath", "split", "imgid", "width", "height", "objects"])
            for item in try XCTUnwrap(object["objects"] as? [[String: Any]]) {
                XCTAssertEqual(Set(item.keys), ["box", "color", "shape", "size"])
                XCTAssertEqual(Set(try XCTUnwrap(item["box"] as? [String: Int]).keys), ["x0", "y0", "x1", "y1"])
            }
        }
        let records = try SynthBoxesFile.read(path: folder + "/boxes.jsonl")
        XCTAssertEqual(records.map(\.filename), dataset.images.map(\.filename))
        for (record, image) in zip(records, dataset.images) {
            XCTAssertEqual(record.split, image.split)
            let sample = SynthSample(index: record.imgid, split: SynthSplit(rawValue: record.split)!, side: 64, seed: 6, holdOut: [])
            XCTAssertEqual(record.scene, sample.scene)
            let png = try Image(contentsOf: folder + "/images/" + record.filename)
            XCTAssertEqual(png, sample.image)
            for object in record.objects {
                XCTAssertEqual(png[x: (object.box.x0 + object.box.x1) / 2, y: (object.box.y0 + object.box.y1) / 2], object.color.rgb)
            }
            for sentence in image.sentences {
                XCTAssertTrue(SceneChecker.isTrue(caption: sentence.raw, of: record.scene), sentence.raw)
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary files remain")
    }

    func testBoxesReaderNamesTheBadLine() throws {
        let folder = try temporaryFolder(self)
        let path = folder + "/boxes.jsonl"
        let good = #"{"filename":"a.png","filepath":"images","split":"train","imgid":0,"width":64,"height":64,"objects":[]}"#
        try Data((good + "\n{not json}\n").utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SynthBoxesFile.read(path: path)) { error in
            XCTAssertTrue("\(error)".contains("boxes.jsonl:2:"), "\(error)")
        }
        XCTAssertThrowsError(try SynthBoxesFile.read(path: folder + "/missing.jsonl"))
    }

    func testFileNamesWidenForLargeCounts() {
        XCTAssertEqual(SynthSample.fileName(index: 42, digits: 6), "000042.png")
        XCTAssertEqual(SynthSample.fileName(index: 1234567, digits: 7), "1234567.png")
    }
}
