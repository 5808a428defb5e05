/// A vocabulary that cannot be built, read or written. The message names the file and line.
public struct VocabularyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why.
    public enum Kind: String, Sendable {
        /// The file does not exist.
        case notFound
        /// The file cannot be read or written.
        case unreadable
        /// The file is not valid JSON.
        case invalidJSON
        /// The file is JSON but not a valid vocabulary (wrong keys or types, special tokens out
        /// of place, duplicate or empty words, a word count that disagrees).
        case corrupt
        /// A valid vocabulary that does not fit: another tokenizer, another file version, or a
        /// size the model does not expect.
        case mismatch
    }

    /// Why.
    public let kind: Kind
    /// The file, or nil for a vocabulary built in memory.
    public let path: String?
    /// The 1-based line, when there is one.
    public let line: Int?
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, path: String?, line: Int? = nil, message: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message` (or `vocabulary: message` without a file).
    public var description: String {
        let place = path ?? "vocabulary"
        if let line { return "\(place):\(line): \(message)" }
        return "\(place): \(message)"
    }
}
