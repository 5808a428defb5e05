import Foundation

/// Reads a captioning dataset from a folder or a caption file into `CaptionDataset`: finds the
/// format (or uses the one given), reads every caption, groups captions per image, applies the
/// split information, finds the image folder and checks that every image file exists.
///
/// Bad lines and entries (wrong field count, empty caption, bad JSON types) and images without a
/// file are skipped and reported as `DatasetIssue`s with file and line; missing images are
/// reported once per image. Reading fails (`CaptionDatasetError`) only when the files cannot be
/// found, read or parsed as a whole, or when nothing usable is left.
///
/// ```swift
/// let dataset = try CaptionDatasetReader().read(from: "../shared/data/flickr8k")
/// print(dataset.summary)      // read 7000 images, 35000 captions from …/dataset_flickr8k.json (karpathy; train 6000, val 1000 images)
/// ```
public struct CaptionDatasetReader: Sendable {
    /// The format to read; nil to detect it (see `CaptionFormat` and the detection order below).
    ///
    /// In a folder, formats are tried in the order karpathy (`dataset_*.json`), flickr8k
    /// (`*.token.txt`), csv (`captions.txt` with an `image,caption` header, `*.csv`), coco
    /// (`captions_*.json`, also under `annotations/`), tsv (`*.tsv`). A file's format comes from
    /// its name, else from its first line (or, for other `.json` files, its keys).
    public var format: CaptionFormat?
    /// The folder image paths are relative to; nil to look beside the caption file for
    /// `images/`, `Images/`, `Flicker8k_Dataset/`, the caption folder itself, or its parent.
    public var imageFolder: String?
    /// Whether to check that each image file exists (a file-system lookup per image; images are
    /// never decoded here).
    public var checksImageFiles: Bool

    /// A reader with the given format override, image folder and checking.
    public init(format: CaptionFormat? = nil, imageFolder: String? = nil, checksImageFiles: Bool = true) {
        self.format = format
        self.imageFolder = imageFolder
        self.checksImageFiles = checksImageFiles
    }

    /// Reads the dataset at `path`, a folder or a caption file.
    ///
    /// Split information: Karpathy files carry it; COCO files take it from their name; the text
    /// formats (flickr8k, csv, tsv) take it from Flickr8k's split lists beside the caption file
    /// (`Flickr_8k.trainImages.txt`, `Flickr_8k.devImages.txt` as `val`, `Flickr_8k.testImages.txt`),
    /// and are `.unknown` without them.
    public func read(from path: String) throws(CaptionDatasetError) -> CaptionDataset {
        var located = try CaptionFormatDetector.locate(path, format: format)
        var collector = CaptionCollector(hasTokens: located.format == .karpathy)
        var splitSources: [String] = []
        for file in located.files {
            switch located.format {
            case .flickr8k:
                try Flickr8kTokenReader.read(path: file, into: &collector)
            case .csv:
                try CaptionCSVReader.read(path: file, into: &collector)
            case .tsv:
                try TSVCaptionReader.read(path: file, into: &collector)
            case .karpathy:
                let document = try parsedDocument(file, &located)
                try KarpathySplitReader.read(document: document, path: file, into: &collector)
            case .coco:
                let document = try parsedDocument(file, &located)
                try COCOCaptionsReader.read(document: document, path: file, into: &collector)
            }
        }
        let captionFolder = (located.files[0] as NSString).deletingLastPathComponent
        if located.format.isLineBased {
            let lists = try FlickrSplitLists.load(in: captionFolder, collector: &collector)
            splitSources = lists.sources
            if !lists.isEmpty {
                for index in collector.images.indices {
                    collector.setSplit(lists.split(of: collector.images[index].imageName), ofImageAt: index)
                }
            }
        }

        // Images whose every caption was skipped are gone; their issues are already reported.
        var kept: [(image: CaptionedImage, origin: (path: String, line: Int?))] = []
        for (image, origin) in zip(collector.images, collector.origins) where !image.captions.isEmpty {
            kept.append((image, origin))
        }

        let folder: String?
        if let imageFolder {
            guard ImageFolderLocator.isFolder(imageFolder) else {
                throw CaptionDatasetError(.imageFolderNotFound, path: imageFolder, message: "image folder not found")
            }
            folder = imageFolder
        } else {
            folder = ImageFolderLocator.locate(captionFolder: captionFolder, relativePaths: kept.map(\.image.relativePath))
        }
        var checked = false
        if checksImageFiles {
            if let folder {
                checked = true
                kept = kept.filter { entry in
                    if ImageFolderLocator.isFile(ImageFolderLocator.join(folder, entry.image.relativePath)) { return true }
                    let count = entry.image.captions.count
                    collector.report(path: entry.origin.path, line: entry.origin.line, kind: .missingImage,
                                     message: "image \(entry.image.relativePath) not found in \(folder); skipped its \(count) caption\(count == 1 ? "" : "s")",
                                     skippedCount: count)
                    return false
                }
            } else {
                collector.report(path: captionFolder, line: nil, kind: .note,
                                 message: "no image folder found (looked for \(ImageFolderLocator.conventionalNames.joined(separator: "/, "))/ and the caption folder); image files not checked")
            }
        }

        let dataset = CaptionDataset(images: kept.map(\.image), format: located.format, sources: located.files,
                                     splitSources: splitSources, imageFolder: folder, checkedImageFiles: checked,
                                     issues: collector.issues)
        if dataset.images.isEmpty {
            var message = "no usable captions"
            let skipped = dataset.skippedCount
            if skipped > 0 {
                let unit = located.format.isLineBased ? (skipped == 1 ? "line" : "lines") : (skipped == 1 ? "entry" : "entries")
                message += ": all \(skipped) \(unit) skipped"
            }
            if let first = dataset.issues.first(where: { $0.kind != .note }) ?? dataset.issues.first {
                message += "; first problem: \(first)"
            }
            throw CaptionDatasetError(.noUsableCaptions, path: located.files.joined(separator: ", "), message: message)
        }
        return dataset
    }

    /// The document parsed while detecting the format, or the file parsed now.
    private func parsedDocument(_ file: String, _ located: inout CaptionFormatDetector.Located) throws(CaptionDatasetError) -> JSONNode {
        if let document = located.parsed.removeValue(forKey: file) { return document }
        return try JSONFile.load(file)
    }
}
