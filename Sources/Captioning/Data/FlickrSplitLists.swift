import Foundation

/// Flickr8k's split lists, `Flickr_8k.trainImages.txt`, `Flickr_8k.devImages.txt` (the
/// validation split) and `Flickr_8k.testImages.txt`: one image file name a line, found in the
/// folder of the caption file. Any of them may be absent; images in none are `.unknown`.
struct FlickrSplitLists {
    /// The list files and the split each gives, in reading order.
    static let files: [(name: String, split: CaptionSplit)] = [
        ("Flickr_8k.trainImages.txt", .train),
        ("Flickr_8k.devImages.txt", .val),
        ("Flickr_8k.testImages.txt", .test),
    ]

    /// Image file name to split.
    private(set) var splitByName: [String: CaptionSplit] = [:]
    /// The list files read.
    private(set) var sources: [String] = []

    /// Whether any list was found.
    var isEmpty: Bool { sources.isEmpty }

    /// The split of an image file name: from the lists, or `.unknown`.
    func split(of imageName: String) -> CaptionSplit { splitByName[imageName] ?? .unknown }

    /// Reads the lists present in `folder`. An image in two lists keeps the first and gets a
    /// `.note`; a line that is not UTF-8 is a `.note` too (lists skip no captions).
    static func load(in folder: String, collector: inout CaptionCollector) throws(CaptionDatasetError) -> FlickrSplitLists {
        var lists = FlickrSplitLists()
        for (name, split) in files {
            let path = (folder as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            lists.sources.append(path)
            for line in try TextFile.lines(of: path) {
                guard let text = line.text else {
                    collector.report(path: path, line: line.number, kind: .note, message: "line is not valid UTF-8; ignored")
                    continue
                }
                let imageName = text.trimmingWhiteSpace()
                if imageName.isEmpty { continue }
                if let earlier = lists.splitByName[imageName] {
                    if earlier != split {
                        collector.report(path: path, line: line.number, kind: .note,
                                         message: "\(imageName) is already in the \(earlier.rawValue) list; keeping \(earlier.rawValue)")
                    }
                    continue
                }
                lists.splitByName[imageName] = split
            }
        }
        return lists
    }
}
