import Foundation

/// Reads `boxes.jsonl` back, e.g. to check a captioner's output against the scenes it described.
public enum SynthBoxesFile {
    /// The records of the file at `path`, one per non-empty line, in file order. Throws
    /// `SynthError.readFailed` naming the file and line if it cannot be read or a line is not a record.
    public static func read(path: String) throws(SynthError) -> [SynthBoxesRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SynthError.readFailed(path: path, line: 0, reason: "no such file or not readable")
        }
        let decoder = JSONDecoder()
        var records: [SynthBoxesRecord] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            do {
                records.append(try decoder.decode(SynthBoxesRecord.self, from: Data(line)))
            } catch {
                throw SynthError.readFailed(path: path, line: number + 1, reason: "not a boxes record (\(error))")
            }
        }
        return records
    }
}
