import Foundation

/// Finds the folder that image paths are relative to, beside the caption files, by probing a
/// few images in each candidate folder. Image files are never opened, only looked up.
enum ImageFolderLocator {
    /// Conventional image folder names inside a dataset folder: ours, Kaggle's, and Flickr's.
    static let conventionalNames = ["images", "Images", "Flicker8k_Dataset", "Flickr8k_Dataset", "Flickr30k_images", "flickr30k-images"]

    /// How many images are probed per candidate.
    static let probeCount = 25

    /// The candidate folder holding most of (up to `probeCount`, spread over the list)
    /// `relativePaths`; the candidates are the conventional subfolders of `captionFolder`, the
    /// folder itself, its parent (COCO's `annotations/` layout) and the parent's `images/`.
    /// When no candidate holds any, the first existing conventional subfolder (so that missing
    /// images are reported); nil when there is none.
    static func locate(captionFolder: String, relativePaths: [String]) -> String? {
        let parent = (captionFolder as NSString).deletingLastPathComponent
        var candidates = conventionalNames.map { (captionFolder as NSString).appendingPathComponent($0) }
        candidates.append(captionFolder)
        if !parent.isEmpty && parent != captionFolder {
            candidates.append(parent)
            candidates.append((parent as NSString).appendingPathComponent("images"))
        }
        candidates = candidates.filter(isFolder)
        let probes: [String]
        if relativePaths.count <= probeCount {
            probes = relativePaths
        } else {
            probes = (0..<probeCount).map { relativePaths[$0 * relativePaths.count / probeCount] }
        }
        var best: (folder: String, hits: Int)?
        for candidate in candidates {
            let hits = probes.reduce(0) { $0 + (isFile(join(candidate, $1)) ? 1 : 0) }
            if hits > (best?.hits ?? 0) { best = (candidate, hits) }
        }
        if let best { return best.folder }
        return conventionalNames.map { (captionFolder as NSString).appendingPathComponent($0) }.first(where: isFolder)
    }

    /// `folder/relativePath`.
    static func join(_ folder: String, _ relativePath: String) -> String {
        folder.hasSuffix("/") ? folder + relativePath : folder + "/" + relativePath
    }

    /// Whether `path` is an existing folder.
    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Whether `path` is an existing file (not a folder).
    static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
