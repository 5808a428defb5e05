import FileOutput
import Foundation

/// A trained model on disk: `config.json` (architecture and preprocessing), `vocab.json`,
/// `weights.safetensors` (the best weights), and what training writes: `training.json` (its
/// settings), `checkpoint.safetensors` (to resume), `metrics.json`, `log.jsonl`, a curve plot.
public struct ModelFolder: Sendable {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var configPath: String { path + "/config.json" }
    public var vocabularyPath: String { path + "/vocab.json" }
    public var weightsPath: String { path + "/weights.safetensors" }
    public var trainingPath: String { path + "/training.json" }
    public var checkpointPath: String { path + "/checkpoint.safetensors" }
    public var metricsPath: String { path + "/metrics.json" }
    public var logPath: String { path + "/log.jsonl" }
    public var plotPath: String { path + "/curves.svg" }

    /// Creates the folder (and parents).
    public func create() throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw ModelFolderError(path: path, reason: "cannot be created (\(error.localizedDescription))")
        }
    }

    /// Writes a value as pretty JSON, atomically.
    public func writeJSON<T: Encodable>(_ value: T, to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Metrics not measured yet (a best loss of +inf before the first epoch ends) stay writable.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write(bytes: try encoder.encode(value), to: file)
    }

    /// Reads a JSON file, with an error naming it (and saying the folder is not a model when it is missing).
    public func readJSON<T: Decodable>(_ type: T.Type, from file: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ModelFolderError(path: file, reason: "is missing (\(path) is not a trained model folder)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(T.self, from: data) } catch {
            throw ModelFolderError(path: file, reason: "is not valid (\(error))")
        }
    }

    /// Appends one JSON object as a line of `log.jsonl`.
    public func appendLog(_ fields: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: logPath) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: data + Data("\n".utf8))
    }
}

/// A model folder or one of its files is missing or wrong.
public struct ModelFolderError: Error, CustomStringConvertible {
    public let path: String, reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path) \(reason)" }
}

/// "1h02m", "3m20s", "42s".
public func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
    if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    return "\(s)s"
}
