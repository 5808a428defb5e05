/// One problem found while reading a captioning dataset: the file, the line (1-based, when
/// known), what is wrong, and how many captions it made the reader skip.
///
/// JSON files are often written on one line; their messages also name the entry
/// (`images[12].sentences[3]: …`).
public struct DatasetIssue: Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem; decides how it is counted in the summary.
    public enum Kind: String, Sendable, CaseIterable {
        /// A line or entry without the expected shape (field count, types, missing keys). Skipped.
        case malformed
        /// A caption that is empty or has no letter or digit. Skipped.
        case emptyCaption
        /// An image whose file is not in the image folder. Reported once per image, at the first
        /// line naming it; all its captions are skipped.
        case missingImage
        /// Worth knowing but skips nothing: an unknown split name, an image in two split lists,
        /// image files not checked.
        case note
    }

    /// The file the problem is in.
    public let path: String
    /// The 1-based line the problem starts on, when there is one.
    public let line: Int?
    /// The kind of problem.
    public let kind: Kind
    /// What is wrong, in words a user can act on.
    public let message: String
    /// How many captions (lines or caption entries) were skipped because of it; 0 for notes.
    public let skippedCount: Int

    /// Creates an issue at `path` and `line` (1-based; nil when the problem has no line).
    public init(path: String, line: Int?, kind: Kind, message: String, skippedCount: Int) {
        self.path = path
        self.line = line
        self.kind = kind
        self.message = message
        self.skippedCount = skippedCount
    }

    /// `path:line: message`, the way compilers name places.
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
