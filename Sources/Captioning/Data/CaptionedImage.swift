/// One image of a captioning dataset with all its captions.
public struct CaptionedImage: Sendable, Equatable {
    /// The image's path relative to the dataset's image folder, with `/` separators
    /// (`1000268201_693b08cb0e.jpg`, or `val2014/COCO_val2014_000000391895.jpg` for COCO).
    public var relativePath: String
    /// The dataset's identifier: COCO's `id`, Karpathy's `imgid`, or for the text formats the
    /// image's 0-based order of first appearance in the file. Unique within one dataset.
    public var imageID: Int
    /// The split the image belongs to.
    public var split: CaptionSplit
    /// The captions as written in the file (surrounding white space removed), in file order.
    public var captions: [String]
    /// The tokens the file gives for each caption (Karpathy's `sentences[].tokens`), parallel to
    /// `captions`; nil for formats without tokens.
    public var tokens: [[String]]?

    /// Creates an image record.
    public init(relativePath: String, imageID: Int, split: CaptionSplit, captions: [String], tokens: [[String]]? = nil) {
        self.relativePath = relativePath
        self.imageID = imageID
        self.split = split
        self.captions = captions
        self.tokens = tokens
    }

    /// The file name: the last component of `relativePath`.
    public var imageName: String {
        guard let slash = relativePath.lastIndex(of: "/") else { return relativePath }
        return String(relativePath[relativePath.index(after: slash)...])
    }

    /// One `CaptionPair` per caption, in order.
    public var pairs: [CaptionPair] {
        captions.indices.map { index in
            CaptionPair(relativePath: relativePath, imageID: imageID, split: split,
                        caption: captions[index], tokens: tokens?[index])
        }
    }
}

/// One (image, caption) pair: the unit a training loop samples.
public struct CaptionPair: Sendable, Equatable {
    /// The image's path relative to the dataset's image folder.
    public var relativePath: String
    /// The dataset's identifier of the image (see `CaptionedImage.imageID`).
    public var imageID: Int
    /// The split the image belongs to.
    public var split: CaptionSplit
    /// The caption as written in the file.
    public var caption: String
    /// The file's tokens for the caption, when the format has them.
    public var tokens: [String]?

    /// Creates a pair.
    public init(relativePath: String, imageID: Int, split: CaptionSplit, caption: String, tokens: [String]? = nil) {
        self.relativePath = relativePath
        self.imageID = imageID
        self.split = split
        self.caption = caption
        self.tokens = tokens
    }
}
