/// Reads a plain tab-separated caption file: `image<TAB>caption`, one caption a line; lines
/// naming the same image are grouped. A first line `image<TAB>caption` is taken as a header.
enum TSVCaptionReader {
    /// Adds the captions of the file at `path` to `collector`, reporting lines without exactly
    /// one tab, empty image names and empty captions.
    static func read(path: String, into collector: inout CaptionCollector) throws(CaptionDatasetError) {
        try TabSeparatedLines.read(path: path, fieldNames: "image, caption", into: &collector) { number, first, caption, collector in
            let imageName = first.trimmingWhiteSpace()
            if number == 1 && imageName.lowercased() == "image" && caption.trimmingWhiteSpace().lowercased() == "caption" {
                return
            }
            guard !imageName.isEmpty else {
                collector.report(path: path, line: number, kind: .malformed, message: "empty image name")
                return
            }
            let index = collector.image(at: imageName, path: path, line: number)
            collector.add(caption: caption, toImageAt: index, path: path, line: number)
        }
    }
}
