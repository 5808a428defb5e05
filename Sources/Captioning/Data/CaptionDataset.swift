/// The images and captions read from a captioning dataset, with every problem met on the way.
public struct CaptionDataset: Sendable {
    /// The images with at least one usable caption, in file order.
    public var images: [CaptionedImage]
    /// The format the files were read as.
    public let format: CaptionFormat
    /// The caption files read (several for a COCO folder with train and val annotations).
    public let sources: [String]
    /// The split lists read (Flickr8k's `Flickr_8k.*Images.txt`), if any.
    public let splitSources: [String]
    /// The folder image paths are relative to, or nil when no image folder was found.
    public let imageFolder: String?
    /// Whether every image file was looked up (images without a file are then dropped and
    /// reported); false when checking was turned off or no image folder was found.
    public let checkedImageFiles: Bool
    /// Every problem found, in the order found, skipped or not.
    public let issues: [DatasetIssue]

    /// Creates a dataset record (readers do this; tests and tools may too).
    public init(images: [CaptionedImage], format: CaptionFormat, sources: [String], splitSources: [String] = [],
                imageFolder: String?, checkedImageFiles: Bool, issues: [DatasetIssue]) {
        self.images = images
        self.format = format
        self.sources = sources
        self.splitSources = splitSources
        self.imageFolder = imageFolder
        self.checkedImageFiles = checkedImageFiles
        self.issues = issues
    }

    /// The number of captions over all images.
    public var captionCount: Int { images.reduce(0) { $0 + $1.captions.count } }

    /// The images of one split.
    public func images(in split: CaptionSplit) -> [CaptionedImage] {
        images.filter { $0.split == split }
    }

    /// Every (image, caption) pair, image by image.
    public var pairs: [CaptionPair] { images.flatMap(\.pairs) }

    /// The number of lines or entries skipped, over all issues.
    public var skippedCount: Int { issues.reduce(0) { $0 + $1.skippedCount } }

    /// The issues of one kind.
    public func issues(ofKind kind: DatasetIssue.Kind) -> [DatasetIssue] {
        issues.filter { $0.kind == kind }
    }

    /// One line for a log: what was read, per split, and what was skipped and why, e.g.
    /// `read 7000 images, 35000 captions from …/Flickr8k.token.txt (flickr8k; train 6000, val 1000 images);
    /// skipped 8 lines (2 malformed, 1 empty caption, 5 for 1 missing image)`.
    public var summary: String {
        var text = "read \(images.count) images, \(captionCount) captions from \(sources.joined(separator: ", "))"
        var perSplit: [String] = []
        for split in CaptionSplit.allCases {
            let count = images.reduce(0) { $0 + ($1.split == split ? 1 : 0) }
            if count > 0 { perSplit.append("\(split.rawValue) \(count)") }
        }
        text += " (\(format.rawValue); \(perSplit.isEmpty ? "no" : perSplit.joined(separator: ", ")) images)"
        let skipped = skippedCount
        if skipped > 0 {
            var reasons: [String] = []
            let malformed = issues(ofKind: .malformed).reduce(0) { $0 + $1.skippedCount }
            let empty = issues(ofKind: .emptyCaption).reduce(0) { $0 + $1.skippedCount }
            let missing = issues(ofKind: .missingImage)
            let missingCaptions = missing.reduce(0) { $0 + $1.skippedCount }
            if malformed > 0 { reasons.append("\(malformed) malformed") }
            if empty > 0 { reasons.append("\(empty) empty caption\(empty == 1 ? "" : "s")") }
            if missingCaptions > 0 {
                reasons.append("\(missingCaptions) for \(missing.count) missing image\(missing.count == 1 ? "" : "s")")
            }
            let unit = format.isLineBased ? (skipped == 1 ? "line" : "lines") : (skipped == 1 ? "entry" : "entries")
            text += "; skipped \(skipped) \(unit) (\(reasons.joined(separator: ", ")))"
        }
        let notes = issues(ofKind: .note).count
        if notes > 0 { text += "; \(notes) note\(notes == 1 ? "" : "s")" }
        if !checkedImageFiles { text += "; image files not checked" }
        return text
    }

    /// The first `limit` issues, one `path:line: message` a line, and how many more there are:
    /// what a command prints so that a thousand missing images do not flood the terminal.
    public func issueReport(limit: Int = 20) -> String {
        var lines = issues.prefix(max(0, limit)).map(\.description)
        if issues.count > limit { lines.append("… and \(issues.count - max(0, limit)) more") }
        return lines.joined(separator: "\n")
    }
}
