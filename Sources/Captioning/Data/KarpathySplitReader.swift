/// Reads Karpathy's split files (`dataset_flickr8k.json`, `dataset_flickr30k.json`,
/// `dataset_coco.json`): `{"images": [{"filename", "filepath"?, "split", "imgid",
/// "sentences": [{"raw", "tokens"}]}]}`. The image's path is `filepath/filename` when `filepath`
/// is present and not empty (COCO's `train2014`, `val2014`), else `filename`.
enum KarpathySplitReader {
    /// Adds the images of `document` (read from `path`) to `collector`. Entries without a file
    /// name or sentences, and sentences without `raw` or `tokens`, are malformed; an unknown or
    /// missing split is a note (the image becomes `.unknown`). Throws when there is no `images` array.
    static func read(document: JSONNode, path: String, into collector: inout CaptionCollector) throws(CaptionDatasetError) {
        guard let entries = document["images"]?.array else {
            throw CaptionDatasetError(.unexpectedStructure, path: path, line: document.line,
                message: "expected a top-level object with an \"images\" array (Karpathy split format)")
        }
        for (position, entry) in entries.enumerated() {
            let place = "images[\(position)]"
            guard entry.object != nil else {
                collector.report(path: path, line: entry.line, kind: .malformed, message: "\(place): expected an object, found \(entry.kindName)")
                continue
            }
            let sentences = entry["sentences"]?.array
            guard let filename = entry["filename"]?.string?.trimmingWhiteSpace(), !filename.isEmpty else {
                collector.report(path: path, line: entry.line, kind: .malformed,
                                 message: "\(place): missing or empty \"filename\"", skippedCount: max(1, sentences?.count ?? 0))
                continue
            }
            var relativePath = filename
            if let filepath = entry["filepath"] {
                guard let folder = filepath.string else {
                    collector.report(path: path, line: entry.line, kind: .malformed,
                                     message: "\(place): \"filepath\" must be a string, found \(filepath.kindName)",
                                     skippedCount: max(1, sentences?.count ?? 0))
                    continue
                }
                let trimmed = folder.trimmingWhiteSpace()
                if !trimmed.isEmpty { relativePath = trimmed + "/" + filename }
            }
            guard let sentences else {
                collector.report(path: path, line: entry.line, kind: .malformed, message: "\(place): missing \"sentences\" array")
                continue
            }
            var split = CaptionSplit.unknown
            if let name = entry["split"]?.string, let known = CaptionSplit(rawValue: name), known != .unknown {
                split = known
            } else {
                let found = entry["split"].map { $0.string.map { "\"\($0)\"" } ?? $0.kindName } ?? "none"
                collector.report(path: path, line: entry.line, kind: .note,
                                 message: "\(place): split \(found) is not train, val, test or restval; using unknown")
            }
            let imageID = entry["imgid"]?.integer ?? position
            let index = collector.image(at: relativePath, imageID: imageID, split: split, path: path, line: entry.line)
            if sentences.isEmpty {
                collector.report(path: path, line: entry.line, kind: .note, message: "\(place): no sentences")
            }
            for (number, sentence) in sentences.enumerated() {
                let sentencePlace = "\(place).sentences[\(number)]: "
                guard let raw = sentence["raw"]?.string else {
                    collector.report(path: path, line: sentence.line, kind: .malformed, message: sentencePlace + "missing \"raw\" string")
                    continue
                }
                guard let tokens = sentence["tokens"]?.strings else {
                    collector.report(path: path, line: sentence.line, kind: .malformed,
                                     message: sentencePlace + "\"tokens\" must be an array of strings")
                    continue
                }
                collector.add(caption: raw, tokens: tokens, toImageAt: index, path: path, line: sentence.line, place: sentencePlace)
            }
        }
    }
}
