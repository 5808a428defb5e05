/// Reads Flickr8k's `Flickr8k.token.txt`: one caption a line, `name.jpg#N<TAB>caption`, where
/// N numbers the image's captions (0 to 4). Lines of one image need not be adjacent.
enum Flickr8kTokenReader {
    /// Adds the captions of the file at `path` to `collector`, reporting bad lines: no tab,
    /// more than one tab, no `#N` after the image name, an empty caption.
    static func read(path: String, into collector: inout CaptionCollector) throws(CaptionDatasetError) {
        try TabSeparatedLines.read(path: path, fieldNames: "name.jpg#N, caption", into: &collector) { number, first, caption, collector in
            let key = first.trimmingWhiteSpace()
            guard let hash = key.lastIndex(of: "#"), hash != key.startIndex,
                  !key[key.index(after: hash)...].isEmpty, key[key.index(after: hash)...].allSatisfy(\.isASCIIDigit) else {
                collector.report(path: path, line: number, kind: .malformed,
                                 message: "expected the image name and caption number as name.jpg#N, found \"\(key)\"")
                return
            }
            let index = collector.image(at: String(key[..<hash]), path: path, line: number)
            collector.add(caption: caption, toImageAt: index, path: path, line: number)
        }
    }
}
