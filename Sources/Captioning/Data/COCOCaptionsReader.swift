import Foundation

/// Reads COCO caption annotations (`captions_train2014.json`, `captions_val2017.json`):
/// `{"images": [{"id", "file_name"}], "annotations": [{"image_id", "caption"}]}`.
///
/// The split comes from the file name (`train`, `val` or `test` in it). Images live in a folder
/// named after the file (`captions_train2014.json` → `train2014/`), so an image's relative path
/// is `train2014/COCO_train2014_000000000009.jpg`, the same as in Karpathy's `dataset_coco.json`.
enum COCOCaptionsReader {
    /// Adds the captions of `document` (read from `path`) to `collector`. Image entries without
    /// an integer `id` or a `file_name`, annotations without an integer `image_id` or a string
    /// `caption`, or naming an image not in `images`, are malformed. Throws when either array is missing.
    static func read(document: JSONNode, path: String, into collector: inout CaptionCollector) throws(CaptionDatasetError) {
        guard let imageEntries = document["images"]?.array, let annotations = document["annotations"]?.array else {
            throw CaptionDatasetError(.unexpectedStructure, path: path, line: document.line,
                message: "expected a top-level object with \"images\" and \"annotations\" arrays (COCO captions format)")
        }
        let fileName = (path as NSString).lastPathComponent
        let split = split(fromFileName: fileName)
        if split == .unknown {
            collector.report(path: path, line: nil, kind: .note,
                             message: "cannot tell the split from the file name (no train, val or test in it); using unknown")
        }
        let folder = imageFolderName(fromFileName: fileName)

        var indexByID: [Int: Int] = [:]
        // Image entries that are malformed but have an id: their annotations are skipped with them.
        var badImages: [Int: (line: Int, message: String, captions: Int)] = [:]
        var badImageOrder: [Int] = []
        for (position, entry) in imageEntries.enumerated() {
            let place = "images[\(position)]"
            guard let id = entry["id"]?.integer else {
                collector.report(path: path, line: entry.line, kind: .malformed, message: "\(place): missing integer \"id\"")
                continue
            }
            guard let name = entry["file_name"]?.string?.trimmingWhiteSpace(), !name.isEmpty else {
                if badImages[id] == nil {
                    badImages[id] = (entry.line, "\(place): missing or empty \"file_name\" (image id \(id))", 0)
                    badImageOrder.append(id)
                }
                continue
            }
            if indexByID[id] != nil {
                collector.report(path: path, line: entry.line, kind: .note, message: "\(place): image id \(id) appears twice; keeping the first")
                continue
            }
            indexByID[id] = collector.image(at: folder.map { "\($0)/\(name)" } ?? name, imageID: id, split: split,
                                            path: path, line: entry.line)
        }
        for (position, annotation) in annotations.enumerated() {
            let place = "annotations[\(position)]: "
            guard let imageID = annotation["image_id"]?.integer else {
                collector.report(path: path, line: annotation.line, kind: .malformed, message: place + "missing integer \"image_id\"")
                continue
            }
            guard let caption = annotation["caption"]?.string else {
                collector.report(path: path, line: annotation.line, kind: .malformed, message: place + "missing \"caption\" string")
                continue
            }
            guard let index = indexByID[imageID] else {
                if badImages[imageID] != nil {
                    badImages[imageID]!.captions += 1
                } else {
                    collector.report(path: path, line: annotation.line, kind: .malformed,
                                     message: place + "image_id \(imageID) is not in \"images\"")
                }
                continue
            }
            collector.add(caption: caption, toImageAt: index, path: path, line: annotation.line, place: place)
        }
        for id in badImageOrder {
            let bad = badImages[id]!
            collector.report(path: path, line: bad.line, kind: .malformed, message: bad.message, skippedCount: max(1, bad.captions))
        }
        let uncaptioned = indexByID.values.reduce(0) { $0 + (collector.images[$1].captions.isEmpty ? 1 : 0) }
        if uncaptioned > 0 {
            collector.report(path: path, line: nil, kind: .note,
                             message: "\(uncaptioned) image\(uncaptioned == 1 ? " has" : "s have") no captions")
        }
    }

    /// `train`, `val` or `test` from a file name such as `captions_val2014.json`.
    static func split(fromFileName name: String) -> CaptionSplit {
        let lowered = name.lowercased()
        if lowered.contains("train") { return .train }
        if lowered.contains("val") { return .val }
        if lowered.contains("test") { return .test }
        return .unknown
    }

    /// `train2014` from `captions_train2014.json`; nil for names not of that form.
    static func imageFolderName(fromFileName name: String) -> String? {
        guard name.hasPrefix("captions_"), name.hasSuffix(".json") else { return nil }
        let stem = name.dropFirst("captions_".count).dropLast(".json".count)
        return stem.isEmpty ? nil : String(stem)
    }
}
