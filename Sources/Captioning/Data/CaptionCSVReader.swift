/// Reads a CSV caption file such as Kaggle's Flickr8k `captions.txt`: a header naming the
/// columns `image` and `caption` (others are ignored), then one record a caption, RFC 4180
/// quoting (see `CSVRecords`). Without such a header the file must have exactly two columns,
/// image then caption.
enum CaptionCSVReader {
    /// Adds the captions of the file at `path` to `collector`, reporting records with the wrong
    /// number of fields, unclosed quotes, empty image names and empty captions.
    static func read(path: String, into collector: inout CaptionCollector) throws(CaptionDatasetError) {
        let entries = CSVRecords.parse(try TextFile.bytes(of: path))
        var imageColumn = 0
        var captionColumn = 1
        var columnCount = 2
        var columnNames = "image,caption"
        for (position, entry) in entries.enumerated() {
            switch entry {
            case .malformed(let line, let lineCount, let message):
                collector.report(path: path, line: line, kind: .malformed, message: message, skippedCount: lineCount)
            case .record(let line, let fields):
                if position == 0 {
                    let names = fields.map { $0.trimmingWhiteSpace().lowercased() }
                    if let image = names.firstIndex(of: "image"), let caption = names.firstIndex(of: "caption") {
                        imageColumn = image
                        captionColumn = caption
                        columnCount = names.count
                        columnNames = fields.joined(separator: ",")
                        continue
                    }
                }
                guard fields.count == columnCount else {
                    var message = "expected \(columnCount) comma-separated fields (\(columnNames)), found \(fields.count)"
                    if fields.count > columnCount { message += "; quote a caption that contains commas" }
                    collector.report(path: path, line: line, kind: .malformed, message: message)
                    continue
                }
                let imageName = fields[imageColumn].trimmingWhiteSpace()
                guard !imageName.isEmpty else {
                    collector.report(path: path, line: line, kind: .malformed, message: "empty image name")
                    continue
                }
                let index = collector.image(at: imageName, path: path, line: line)
                collector.add(caption: fields[captionColumn], toImageAt: index, path: path, line: line)
            }
        }
    }
}
