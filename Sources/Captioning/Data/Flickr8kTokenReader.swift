/// Reads Flickr8k's `Flickr8k.token.txt`: one caption a line, `name.jpg#N<TAB>caption`, where
/// N numbers the image's captions (0 to 4). Lines of one image need not be adjacent.
enum Flickr8kTokenReader {
    /// Adds the captions of the file at `path` to `collector`, reporting bad lines: no tab,
    /// more than one tab, no `#N` after the image name, an empty caption.
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
                                 message: "expected 2 tab-separated fields (name.jpg#N, caption), found \(fields.count)")
                continue
            }
            let key = String(fields[0]).trimmingWhiteSpace()
            guard let hash = key.lastIndex(of: "#"), hash != key.startIndex,
                  !key[key.index(after: hash)...].isEmpty, key[key.index(after: hash)...].allSatisfy(\.isASCIIDigit) else {
                collector.report(path: path, line: line.number, kind: .malformed,
                                 message: "expected the image name and caption number as name.jpg#N, found \"\(key)\"")
                continue
            }
            let imageName = String(key[..<hash])
            let index = collector.image(at: imageName, path: path, line: line.number)
            collector.add(caption: String(fields[1]), toImageAt: index, path: path, line: line.number)
        }
    }
}
