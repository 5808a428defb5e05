/// Reads a plain tab-separated caption file: `image<TAB>caption`, one caption a line; lines
/// naming the same image are grouped. A first line `image<TAB>caption` is taken as a header.
enum TSVCaptionReader {
    /// Adds the captions of the file at `path` to `collector`, reporting lines without exactly
    /// one tab, empty image names and empty captions.
    static func read(path: String, into collector: inout CaptionCollector) throws(CaptionDatasetError) {
        for line in try TextFile.lines(of: path) {
            guard let text = line.text else {
                collector.report(path: path, line: line.number, kind: .malformed, message: "line is not valid UTF-8")
                continue
            }
            if text.allSatisfy(\.isWhitespace) { continue }
            let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                collector.report(path: path, line: line.number, kind: .malformed,
                                 message: "expected 2 tab-separated fields (image, caption), found \(fields.count)")
                continue
            }
            let imageName = String(fields[0]).trimmingWhiteSpace()
            let caption = String(fields[1])
            if line.number == 1 && imageName.lowercased() == "image" && caption.trimmingWhiteSpace().lowercased() == "caption" {
                continue
            }
            guard !imageName.isEmpty else {
                collector.report(path: path, line: line.number, kind: .malformed, message: "empty image name")
                continue
            }
            let index = collector.image(at: imageName, path: path, line: line.number)
            collector.add(caption: caption, toImageAt: index, path: path, line: line.number)
        }
    }
}
