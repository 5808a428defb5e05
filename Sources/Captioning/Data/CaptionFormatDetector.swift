import Foundation

/// Finds the caption file(s) in a folder, or tells the format of a file, from names first and
/// the first line (or JSON keys) second.
///
/// In a folder the formats are tried in this order, the first with a file winning:
/// 1. `karpathy`: `dataset_*.json` (carries the standard splits and tokens for every image);
/// 2. `flickr8k`: `*.token.txt`;
/// 3. `csv`: `captions.txt` whose first line is a comma-separated header naming `image` and
///    `caption`, `captions.csv`, or a single `*.csv`;
/// 4. `coco`: every `captions_*.json` in the folder or its `annotations/` subfolder (train and
///    val files are read together);
/// 5. `tsv`: `captions.tsv`, a single `*.tsv`, or a `captions.txt` whose first line has a tab.
enum CaptionFormatDetector {
    /// What was found: the format, the files to read, and a JSON document already parsed while
    /// sniffing (so it is not parsed twice).
    struct Located {
        let format: CaptionFormat
        let files: [String]
        var parsed: [String: JSONNode] = [:]
    }

    /// The order in which formats are looked for in a folder.
    static let detectionOrder: [CaptionFormat] = [.karpathy, .flickr8k, .csv, .coco, .tsv]

    /// Locates the caption files at `path` (a folder or a file), of `format` when given.
    static func locate(_ path: String, format: CaptionFormat?) throws(CaptionDatasetError) -> Located {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CaptionDatasetError(.notFound, path: path, message: "no such file or folder")
        }
        if isDirectory.boolValue { return try locate(inFolder: path, format: format) }
        if let format { return Located(format: format, files: [path]) }
        return try detect(file: path)
    }

    private static func locate(inFolder folder: String, format: CaptionFormat?) throws(CaptionDatasetError) -> Located {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        func full(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let formats = format.map { [$0] } ?? detectionOrder
        for candidate in formats {
            var files: [String]
            switch candidate {
            case .karpathy:
                files = names.filter { $0.hasPrefix("dataset_") && $0.hasSuffix(".json") }.map(full)
            case .flickr8k:
                files = names.filter { $0.hasSuffix(".token.txt") }.map(full)
            case .csv:
                if names.contains("captions.txt"), let first = firstLine(of: full("captions.txt")), isCSVHeader(first) {
                    files = [full("captions.txt")]
                } else if names.contains("captions.csv") {
                    files = [full("captions.csv")]
                } else {
                    files = names.filter { $0.hasSuffix(".csv") }.map(full)
                }
            case .coco:
                let annotations = full("annotations")
                let inner = ((try? FileManager.default.contentsOfDirectory(atPath: annotations)) ?? []).sorted()
                files = names.filter(isCOCOName).map(full)
                    + inner.filter(isCOCOName).map { (annotations as NSString).appendingPathComponent($0) }
            case .tsv:
                if names.contains("captions.tsv") {
                    files = [full("captions.tsv")]
                } else if names.contains("captions.txt"), let first = firstLine(of: full("captions.txt")),
                          first.contains("\t"), !isCSVHeader(first) {
                    files = [full("captions.txt")]
                } else {
                    files = names.filter { $0.hasSuffix(".tsv") }.map(full)
                }
            }
            if files.isEmpty { continue }
            if files.count > 1 && candidate != .coco {
                throw CaptionDatasetError(.ambiguous, path: folder,
                    message: "holds several \(candidate.rawValue) caption files (\(files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))); name the one to read")
            }
            return Located(format: candidate, files: files)
        }
        let looked = "dataset_*.json (karpathy), *.token.txt (flickr8k), captions.txt or *.csv (csv), "
            + "captions_*.json or annotations/captions_*.json (coco), *.tsv (tsv)"
        if let format {
            throw CaptionDatasetError(.unknownFormat, path: folder, message: "holds no \(format.rawValue) caption file; looked for \(looked)")
        }
        throw CaptionDatasetError(.unknownFormat, path: folder, message: "holds no caption file; looked for \(looked)")
    }

    private static func detect(file path: String) throws(CaptionDatasetError) -> Located {
        let name = (path as NSString).lastPathComponent
        if name.hasPrefix("dataset_") && name.hasSuffix(".json") { return Located(format: .karpathy, files: [path]) }
        if isCOCOName(name) { return Located(format: .coco, files: [path]) }
        if name.hasSuffix(".token.txt") { return Located(format: .flickr8k, files: [path]) }
        if name.hasSuffix(".csv") { return Located(format: .csv, files: [path]) }
        if name.hasSuffix(".tsv") { return Located(format: .tsv, files: [path]) }
        let choose = "; choose a format (\(CaptionFormat.namesForMessages))"
        if name.hasSuffix(".json") {
            let document = try JSONFile.load(path)
            if document["annotations"]?.array != nil {
                return Located(format: .coco, files: [path], parsed: [path: document])
            }
            if let first = document["images"]?.array?.first, first["sentences"] != nil {
                return Located(format: .karpathy, files: [path], parsed: [path: document])
            }
            throw CaptionDatasetError(.unknownFormat, path: path,
                message: "cannot tell the caption format: no \"annotations\" (coco) nor \"images\" with \"sentences\" (karpathy)" + choose)
        }
        guard let first = firstLine(of: path) else {
            throw CaptionDatasetError(.unknownFormat, path: path, message: "cannot tell the caption format of an empty or unreadable file" + choose)
        }
        if isCSVHeader(first) { return Located(format: .csv, files: [path]) }
        if isFlickr8kLine(first) { return Located(format: .flickr8k, files: [path]) }
        if first.contains("\t") { return Located(format: .tsv, files: [path]) }
        throw CaptionDatasetError(.unknownFormat, path: path, line: 1,
            message: "cannot tell the caption format from the first line \"\(first.prefix(80))\"" + choose)
    }

    private static func isCOCOName(_ name: String) -> Bool {
        name.hasPrefix("captions_") && name.hasSuffix(".json")
    }

    /// A comma-separated header naming the columns `image` and `caption`.
    static func isCSVHeader(_ line: String) -> Bool {
        let names = line.split(separator: ",").map { String($0).trimmingWhiteSpace().lowercased() }
        return names.count >= 2 && names.contains("image") && names.contains("caption")
    }

    /// `name#N<TAB>…`.
    static func isFlickr8kLine(_ line: String) -> Bool {
        guard let tab = line.firstIndex(of: "\t") else { return false }
        let key = line[..<tab]
        guard let hash = key.lastIndex(of: "#") else { return false }
        let number = key[key.index(after: hash)...]
        return hash != key.startIndex && !number.isEmpty && number.allSatisfy(\.isASCIIDigit)
    }

    /// The first non-blank line of the file (from its first 64 KiB), or nil.
    static func firstLine(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 65_536) else { return nil }
        let lines = TextFile.lines(in: [UInt8](data))
        return lines.lazy.compactMap(\.text).first { !$0.allSatisfy(\.isWhitespace) }
    }
}
