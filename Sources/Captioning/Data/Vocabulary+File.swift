import FileOutput
import Foundation
import NN

/// `vocab.json`, one word a line so that diffs and `grep -n` are readable:
///
/// ```json
/// {
///   "format": "glimpse-vocabulary",
///   "version": 1,
///   "tokenizer": "lowercase-letters-digits-v1",
///   "minimumCount": 5,
///   "maximumLength": 50,
///   "count": 2540,
///   "words": [
///     "<pad>",
///     "<start>",
///     …
///   ]
/// }
/// ```
///
/// The word with id i is `words[i]`, so line 9 + i of the file.
extension Vocabulary {
    /// The value of `format` in `vocab.json`.
    public static let fileFormat = "glimpse-vocabulary"
    /// The `version` this build writes and reads.
    public static let fileVersion = 1

    /// The `vocab.json` text.
    public var fileContents: String {
        var text = "{\n"
        text += "  \"format\": \(jsonStringLiteral(Self.fileFormat)),\n"
        text += "  \"version\": \(Self.fileVersion),\n"
        text += "  \"tokenizer\": \(jsonStringLiteral(CaptionTokenizer.identifier)),\n"
        text += "  \"minimumCount\": \(minimumCount),\n"
        text += "  \"maximumLength\": \(maximumLength),\n"
        text += "  \"count\": \(count),\n"
        text += "  \"words\": [\n"
        text += words.map { "    " + jsonStringLiteral($0) }.joined(separator: ",\n")
        text += "\n  ]\n}\n"
        return text
    }

    /// Writes `vocab.json` to `path` whole or not at all (temporary file, then rename).
    public func write(to path: String) throws(VocabularyError) {
        do {
            try AtomicFile.write(bytes: Data(fileContents.utf8), to: path)
        } catch {
            throw VocabularyError(.unreadable, path: path, message: "cannot write: \(error.reason)")
        }
    }

    /// Reads `vocab.json` from `path`. With `expectedCount` (the V of a model's weights), a
    /// vocabulary of another size is a `.mismatch`. Every problem names the file and, where there
    /// is one, the line: not JSON, another format or version, another tokenizer, missing or
    /// mistyped keys, special tokens out of place, empty or repeated words, a `count` that
    /// disagrees with the word list.
    public static func load(from path: String, expectedCount: Int? = nil) throws(VocabularyError) -> Vocabulary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw VocabularyError(.notFound, path: path, message: "no such file")
        }
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw VocabularyError(.unreadable, path: path, message: "cannot read: \(error.localizedDescription)")
        }
        let document: JSONNode
        do {
            document = try JSONDocument.parse(bytes)
        } catch {
            throw VocabularyError(.invalidJSON, path: path, line: error.line,
                                  message: "invalid JSON at column \(error.column): \(error.message)")
        }
        guard document.object != nil else {
            throw VocabularyError(.corrupt, path: path, line: document.line, message: "expected a JSON object, found \(document.kindName)")
        }
        func corrupt(_ message: String, _ line: Int?) -> VocabularyError {
            VocabularyError(.corrupt, path: path, line: line, message: message)
        }
        guard let format = document["format"]?.string, format == fileFormat else {
            throw VocabularyError(.mismatch, path: path, line: document["format"]?.line ?? document.line,
                                  message: "not a Glimpse vocabulary (\"format\" must be \"\(fileFormat)\")")
        }
        guard let version = document["version"]?.integer else {
            throw corrupt("\"version\" must be an integer", document["version"]?.line ?? document.line)
        }
        guard version == fileVersion else {
            throw VocabularyError(.mismatch, path: path, line: document["version"]?.line,
                                  message: "vocabulary file version \(version); this build reads version \(fileVersion)")
        }
        guard let tokenizer = document["tokenizer"]?.string else {
            throw corrupt("\"tokenizer\" must be a string", document["tokenizer"]?.line ?? document.line)
        }
        guard tokenizer == CaptionTokenizer.identifier else {
            throw VocabularyError(.mismatch, path: path, line: document["tokenizer"]?.line,
                                  message: "built with tokenizer \"\(tokenizer)\"; this build tokenises as \"\(CaptionTokenizer.identifier)\"")
        }
        var limits: [Int] = []
        for key in ["minimumCount", "maximumLength", "count"] {
            guard let value = document[key]?.integer else {
                throw corrupt("\"\(key)\" must be an integer", document[key]?.line ?? document.line)
            }
            limits.append(value)
        }
        guard let wordNodes = document["words"]?.array else {
            throw corrupt("\"words\" must be an array of strings", document["words"]?.line ?? document.line)
        }
        var words: [String] = []
        words.reserveCapacity(wordNodes.count)
        for (index, node) in wordNodes.enumerated() {
            guard let word = node.string else { throw corrupt("word \(index) must be a string, found \(node.kindName)", node.line) }
            words.append(word)
        }
        guard limits[2] == words.count else {
            throw corrupt("\"count\" says \(limits[2]) words but \"words\" lists \(words.count) (truncated or edited?)",
                          document["count"]?.line)
        }
        let vocabulary = try Vocabulary(words: words, minimumCount: limits[0], maximumLength: limits[1],
                                        path: path, lines: wordNodes.map(\.line))
        if let expectedCount, expectedCount != vocabulary.count {
            throw VocabularyError(.mismatch, path: path,
                                  message: "has \(vocabulary.count) words but the model expects \(expectedCount)")
        }
        return vocabulary
    }
}
