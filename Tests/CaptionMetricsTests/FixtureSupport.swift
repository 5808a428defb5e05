import Foundation

/// The committed pycocoevalcap reference scores, `Tests/Fixtures/metrics/coco_caption_scores.json`
/// (written by `Scripts/reference/metrics_fixture.py`).
struct COCOCaptionFixture: Decodable {
    struct Image: Decodable {
        let id: String
        let hypothesis: String
        let references: [String]
    }

    struct Scores: Decodable {
        let bleu: [Double]
        let rougeL: Double
        let ciderD: Double
        let ciderPlain: Double

        enum CodingKeys: String, CodingKey {
            case bleu, rougeL = "rouge_l", ciderD = "cider_d", ciderPlain = "cider_plain"
        }
    }

    struct PerImage: Decodable {
        let bleu: [[Double]]
        let rougeL: [Double]
        let ciderD: [Double]
        let ciderPlain: [Double]

        enum CodingKeys: String, CodingKey {
            case bleu, rougeL = "rouge_l", ciderD = "cider_d", ciderPlain = "cider_plain"
        }
    }

    let images: [Image]
    let scores: Scores
    let perImage: PerImage

    enum CodingKeys: String, CodingKey {
        case images, scores, perImage = "per_image"
    }

    /// `Tests/Fixtures/metrics`, found from this source file's location.
    static let folder: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/metrics").path

    static func load() throws -> COCOCaptionFixture {
        let url = URL(fileURLWithPath: folder + "/coco_caption_scores.json")
        return try JSONDecoder().decode(COCOCaptionFixture.self, from: Data(contentsOf: url))
    }

    /// The hypotheses split on single spaces as pycocoevalcap's scorers see them (empty -> no token).
    var tokenizedHypotheses: [[String]] { images.map { Self.words($0.hypothesis) } }
    /// The references, split the same way.
    var tokenizedReferences: [[[String]]] { images.map { $0.references.map(Self.words) } }

    static func words(_ text: String) -> [String] {
        text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }
}
