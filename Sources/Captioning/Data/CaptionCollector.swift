/// Gathers captions per image while a format reader walks its file, and records the issues
/// met: the shared bookkeeping behind every reader.
struct CaptionCollector {
    /// The images so far, in order of first appearance (some may still have no captions).
    private(set) var images: [CaptionedImage] = []
    /// Where each image was first named: file and 1-based line (parallel to `images`).
    private(set) var origins: [(path: String, line: Int?)] = []
    /// Every issue so far.
    private(set) var issues: [DatasetIssue] = []
    private var indexByPath: [String: Int] = [:]
    /// Whether captions come with the file's own tokens.
    let hasTokens: Bool

    /// A collector for a format with (`hasTokens`) or without its own tokens.
    init(hasTokens: Bool) {
        self.hasTokens = hasTokens
    }

    /// The index of the image at `relativePath`, created with `imageID` (default: its order of
    /// appearance) and `split` if new. `path` and `line` are where it was first named.
    mutating func image(at relativePath: String, imageID: Int? = nil, split: CaptionSplit = .unknown,
                        path: String, line: Int?) -> Int {
        if let index = indexByPath[relativePath] { return index }
        let index = images.count
        images.append(CaptionedImage(relativePath: relativePath, imageID: imageID ?? index, split: split,
                                     captions: [], tokens: hasTokens ? [] : nil))
        origins.append((path, line))
        indexByPath[relativePath] = index
        return index
    }

    /// The index of an image already named, if any.
    func index(of relativePath: String) -> Int? { indexByPath[relativePath] }

    /// Adds `raw` (trimmed) to the image at `index`, or reports an `.emptyCaption` issue at
    /// `path`:`line` when it has no words. `place` prefixes the message (a JSON entry path).
    /// Returns whether the caption was kept.
    @discardableResult
    mutating func add(caption raw: String, tokens: [String]? = nil, toImageAt index: Int,
                      path: String, line: Int?, place: String = "") -> Bool {
        let caption = raw.trimmingWhiteSpace()
        if let problem = Self.blankCaptionProblem(caption) {
            report(path: path, line: line, kind: .emptyCaption, message: place + problem)
            return false
        }
        if hasTokens, let tokens, tokens.isEmpty {
            report(path: path, line: line, kind: .emptyCaption, message: place + "caption \"\(caption)\" has no tokens")
            return false
        }
        images[index].captions.append(caption)
        if hasTokens { images[index].tokens?.append(tokens ?? []) }
        return true
    }

    /// Sets the split of the image at `index`.
    mutating func setSplit(_ split: CaptionSplit, ofImageAt index: Int) {
        images[index].split = split
    }

    /// Records an issue. `skippedCount` defaults to 1 for skipping kinds and 0 for notes.
    mutating func report(path: String, line: Int?, kind: DatasetIssue.Kind, message: String, skippedCount: Int? = nil) {
        issues.append(DatasetIssue(path: path, line: line, kind: kind, message: message,
                                   skippedCount: skippedCount ?? (kind == .note ? 0 : 1)))
    }

    /// Why a (trimmed) caption is unusable, or nil: empty, or without any letter or digit
    /// (so the tokenizer would give no words).
    static func blankCaptionProblem(_ caption: String) -> String? {
        if caption.isEmpty { return "empty caption" }
        if !caption.contains(where: { $0.isLetter || $0.isNumber }) {
            return "caption \"\(caption)\" has no words"
        }
        return nil
    }
}
