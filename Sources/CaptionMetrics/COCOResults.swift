import Foundation

/// One generated caption in the COCO results format: `{"image_id": 42, "caption": "a dog runs"}`.
public struct COCOResult: Hashable, Sendable {
    /// The image the caption describes (integer or string, as in the file).
    public var imageID: ImageID
    /// The caption as generated (not tokenised).
    public var caption: String

    /// A result for `imageID` with `caption`.
    public init(imageID: ImageID, caption: String) {
        self.imageID = imageID
        self.caption = caption
    }
}

/// What is wrong with a COCO results file; every message names the file (and the entry).
public enum COCOResultsError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read (missing, unreadable).
    case unreadable(file: String, reason: String)
    /// The file is not JSON.
    case invalidJSON(file: String, reason: String)
    /// The JSON is not an array.
    case notAnArray(file: String)
    /// Entry `index` (from 0) is not an object.
    case entryNotAnObject(file: String, index: Int)
    /// Entry `index` lacks "image_id" or "caption".
    case missingField(file: String, index: Int, field: String)
    /// Entry `index` has an image_id that is neither an integer nor a string.
    case invalidImageID(file: String, index: Int)
    /// Entry `index` has a caption that is not a string.
    case invalidCaption(file: String, index: Int)
    /// Two entries caption the same image.
    case duplicateImageID(file: String, imageID: ImageID, firstIndex: Int, secondIndex: Int)
    /// The file could not be written.
    case unwritable(file: String, reason: String)

    /// One line naming the file, the entry and what is wrong.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read the file (\(reason))"
        case .invalidJSON(let file, let reason):
            return "\(file): not valid JSON (\(reason))"
        case .notAnArray(let file):
            return "\(file): expected a JSON array of {\"image_id\": ..., \"caption\": ...} objects"
        case .entryNotAnObject(let file, let index):
            return "\(file): entry \(index) is not a JSON object"
        case .missingField(let file, let index, let field):
            return "\(file): entry \(index) has no \"\(field)\""
        case .invalidImageID(let file, let index):
            return "\(file): entry \(index): \"image_id\" must be an integer or a string"
        case .invalidCaption(let file, let index):
            return "\(file): entry \(index): \"caption\" must be a string"
        case .duplicateImageID(let file, let imageID, let firstIndex, let secondIndex):
            return "\(file): image_id \(imageID) appears twice (entries \(firstIndex) and \(secondIndex)); "
                + "the caption evaluation takes one caption per image"
        case .unwritable(let file, let reason):
            return "\(file): cannot write the file (\(reason))"
        }
    }
}

/// Reading and writing the COCO caption results format, a JSON array of
/// `{"image_id": <int or string>, "caption": <string>}` objects (other keys are ignored), entries
/// numbered from 0 in error messages. One caption per image: a repeated image_id is an error.
public enum COCOResults {
    /// The results in the file at `url`.
    public static func read(from url: URL) throws -> [COCOResult] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw COCOResultsError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, file: url.path)
    }

    /// The results in `data`; `file` names the source in error messages.
    public static func decode(_ data: Data, file: String = "<data>") throws -> [COCOResult] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw COCOResultsError.invalidJSON(file: file, reason: String(describing: error))
        }
        guard let entries = root as? [Any] else { throw COCOResultsError.notAnArray(file: file) }
        var results: [COCOResult] = []
        var firstIndex: [ImageID: Int] = [:]
        for (index, entry) in entries.enumerated() {
            guard let object = entry as? [String: Any] else {
                throw COCOResultsError.entryNotAnObject(file: file, index: index)
            }
            guard let rawID = object["image_id"] else {
                throw COCOResultsError.missingField(file: file, index: index, field: "image_id")
            }
            guard let imageID = imageID(from: rawID) else {
                throw COCOResultsError.invalidImageID(file: file, index: index)
            }
            guard let rawCaption = object["caption"] else {
                throw COCOResultsError.missingField(file: file, index: index, field: "caption")
            }
            guard let caption = rawCaption as? String else {
                throw COCOResultsError.invalidCaption(file: file, index: index)
            }
            if let first = firstIndex[imageID] {
                throw COCOResultsError.duplicateImageID(file: file, imageID: imageID, firstIndex: first, secondIndex: index)
            }
            firstIndex[imageID] = index
            results.append(COCOResult(imageID: imageID, caption: caption))
        }
        return results
    }

    /// The JSON text of `results`: one array, each entry `{"caption": ..., "image_id": ...}`, in order.
    public static func encode(_ results: [COCOResult]) throws -> Data {
        let objects: [[String: Any]] = results.map { ["image_id": $0.imageID.jsonValue, "caption": $0.caption] }
        var data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(contentsOf: Array("\n".utf8))
        return data
    }

    /// Writes `results` to `url` whole or not at all (a temporary file renamed into place).
    public static func write(_ results: [COCOResult], to url: URL) throws {
        do {
            try encode(results).write(to: url, options: .atomic)
        } catch {
            throw COCOResultsError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// The captions keyed by image, for `evaluate(hypotheses:references:)`.
    public static func hypotheses(_ results: [COCOResult]) -> [ImageID: String] {
        Dictionary(results.map { ($0.imageID, $0.caption) }, uniquingKeysWith: { first, _ in first })
    }

    /// An integer (a JSON number with no fractional part, not a boolean) or a string.
    private static func imageID(from value: Any) -> ImageID? {
        if let string = value as? String { return .string(string) }
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double.rounded() == double, abs(double) < 9.0e15 else { return nil }
        return .integer(number.intValue)
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        let type = String(cString: number.objCType)
        return type == "c" || type == "B"
    }
}
