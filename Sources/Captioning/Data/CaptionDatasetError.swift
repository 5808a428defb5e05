/// A captioning dataset that cannot be read at all. The message names the file (and line when
/// there is one); problems with single lines or entries are `DatasetIssue`s instead.
public struct CaptionDatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the dataset could not be read.
    public enum Kind: String, Sendable {
        /// The path does not exist.
        case notFound
        /// The file exists but cannot be read.
        case unreadable
        /// No caption file of a known format was found, or a file's format cannot be told.
        case unknownFormat
        /// A folder holds several candidate files of one format and the choice would be a guess.
        case ambiguous
        /// A JSON file does not parse.
        case invalidJSON
        /// A file parses but lacks the structure its format needs (no `images` array, say).
        case unexpectedStructure
        /// Every line or entry was skipped: nothing to train on.
        case noUsableCaptions
        /// The image folder given explicitly does not exist.
        case imageFolderNotFound
    }

    /// Why the dataset could not be read.
    public let kind: Kind
    /// The file or folder at fault.
    public let path: String
    /// The 1-based line, when the fault has one.
    public let line: Int?
    /// What is wrong and, where possible, what to do.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, path: String, line: Int? = nil, message: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message`.
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
