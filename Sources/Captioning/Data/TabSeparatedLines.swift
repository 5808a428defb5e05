/// The lines of a two-column tab-separated caption file (Flickr8k's token file, a plain TSV):
/// blank lines skipped; a line that is not UTF-8 or does not hold exactly one tab is reported to
/// `collector` and skipped. `fieldNames` names the two columns in that report.
enum TabSeparatedLines {
    static func read(path: String, fieldNames: String, into collector: inout CaptionCollector,
                     _ body: (_ line: Int, _ first: String, _ second: String, _ collector: inout CaptionCollector) -> Void) throws(CaptionDatasetError) {
        for line in try TextFile.lines(of: path) {
            guard let text = line.text else {
                collector.report(path: path, line: line.number, kind: .malformed, message: "line is not valid UTF-8")
                continue
            }
            if text.allSatisfy(\.isWhitespace) { continue }
            let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                collector.report(path: path, line: line.number, kind: .malformed,
                                 message: "expected 2 tab-separated fields (\(fieldNames)), found \(fields.count)")
                continue
            }
            body(line.number, String(fields[0]), String(fields[1]), &collector)
        }
    }
}
