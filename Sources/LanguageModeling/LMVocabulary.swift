import FileOutput
import Foundation

/// The tokens a language model knows, each with an id. `<unk>` is always id 0, so text with an
/// unseen character or word can still be scored (and says so).
public struct LMVocabulary: Equatable, Sendable {
    public static let unknown = "<unk>"
    public static let endOfSentence = "<eos>"

    public let level: TokenLevel
    /// Tokens by id.
    public let tokens: [String]
    let ids: [String: Int32]

    public init(level: TokenLevel, tokens: [String]) {
        precondition(tokens.first == LMVocabulary.unknown, "a vocabulary starts with <unk>")
        self.level = level
        self.tokens = tokens
        var ids: [String: Int32] = [:]
        for (i, t) in tokens.enumerated() { ids[t] = Int32(i) }
        self.ids = ids
    }

    /// Builds a vocabulary from training tokens: `<unk>` first, then tokens by falling count (ties by
    /// text), keeping those seen at least `minimumCount` times and at most `maximumSize` in all.
    public static func build(from tokens: [String], level: TokenLevel, minimumCount: Int = 1, maximumSize: Int? = nil) -> LMVocabulary {
        var counts: [String: Int] = [:]
        for t in tokens { counts[t, default: 0] += 1 }
        counts[unknown] = nil
        var kept = counts.filter { $0.value >= minimumCount }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        if let maximumSize { kept = Array(kept.prefix(max(0, maximumSize - 1))) }
        return LMVocabulary(level: level, tokens: [unknown] + kept)
    }

    public var count: Int { tokens.count }

    /// The id of `token`, or `<unk>`'s.
    public func id(_ token: String) -> Int32 { ids[token] ?? 0 }

    /// Whether the token is known (not mapped to `<unk>`).
    public func contains(_ token: String) -> Bool { ids[token] != nil }

    /// Ids of a token list.
    public func encode(_ tokens: [String]) -> [Int32] { tokens.map { id($0) } }

    /// Text of ids: characters joined as they are, words with spaces (`<eos>` as a line break).
    public func decode(_ ids: [Int32]) -> String {
        switch level {
        case .character: return ids.map { tokens[Int($0)] }.joined()
        case .word: return ids.map { tokens[Int($0)] == LMVocabulary.endOfSentence ? "\n" : tokens[Int($0)] }.joined(separator: " ")
                .replacingOccurrences(of: " \n ", with: "\n").replacingOccurrences(of: " \n", with: "\n")
        }
    }

    struct Stored: Codable {
        var level: TokenLevel
        var tokens: [String]
    }

    /// Writes `vocab.json` atomically.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(bytes: try encoder.encode(Stored(level: level, tokens: tokens)), to: path)
    }

    /// Reads `vocab.json`; a missing, corrupt or inconsistent file throws an error naming it.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw CorpusError(path: path, reason: "is missing") }
        let stored: Stored
        do { stored = try JSONDecoder().decode(Stored.self, from: data) } catch {
            throw CorpusError(path: path, reason: "is not a valid vocabulary file (\(error))")
        }
        guard stored.tokens.first == LMVocabulary.unknown, Set(stored.tokens).count == stored.tokens.count else {
            throw CorpusError(path: path, reason: "is not a valid vocabulary file (must start with <unk> and list each token once)")
        }
        self.init(level: stored.level, tokens: stored.tokens)
    }
}
