import FileOutput
import Foundation
import NN

/// A trained language model on disk: `config.json`, `vocab.json`, `weights.safetensors` (the best
/// weights), plus what training wrote (`checkpoint.safetensors`, `metrics.json`, `log.jsonl`,
/// `loss.svg`).
public struct LMModelFolder {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var configPath: String { path + "/config.json" }
    public var vocabularyPath: String { path + "/vocab.json" }
    public var weightsPath: String { path + "/weights.safetensors" }
    public var checkpointPath: String { path + "/checkpoint.safetensors" }
    public var metricsPath: String { path + "/metrics.json" }
    public var logPath: String { path + "/log.jsonl" }
    public var plotPath: String { path + "/loss.svg" }

    /// Creates the folder (and parents).
    public func create() throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw CorpusError(path: path, reason: "cannot be created (\(error.localizedDescription))")
        }
    }

    /// Writes a Codable value as pretty JSON, atomically.
    public func writeJSON<T: Encodable>(_ value: T, to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(bytes: try encoder.encode(value), to: file)
    }

    /// Reads a JSON file into `T`, with an error naming the file.
    public func readJSON<T: Decodable>(_ type: T.Type, from file: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CorpusError(path: file, reason: "is missing: \(path) is not a language-model folder (train one with `glimpse lm train`)")
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw CorpusError(path: file, reason: "is not valid (\(error))")
        }
    }

    /// Loads the model (best weights) and its vocabulary; every mismatch is an error naming the file.
    public func load() throws -> (model: LanguageModel, vocabulary: LMVocabulary) {
        let configuration = try readJSON(LMConfiguration.self, from: configPath)
        guard configuration.kind == "language-model" else {
            throw CorpusError(path: configPath, reason: "describes a \(configuration.kind), not a language model")
        }
        let vocabulary = try LMVocabulary(contentsOf: vocabularyPath)
        guard vocabulary.count == configuration.vocabularySize else {
            throw CorpusError(path: vocabularyPath, reason: "has \(vocabulary.count) tokens but config.json says \(configuration.vocabularySize)")
        }
        let model = LanguageModel(configuration, seed: 0)
        try model.loadWeights(from: weightsPath)
        model.eval()
        return (model, vocabulary)
    }

    /// Appends one JSON object as a line to `log.jsonl`.
    public func appendLog(_ fields: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: logPath) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: data + Data("\n".utf8))
    }
}
