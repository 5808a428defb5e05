import Foundation

/// How a text is cut into tokens.
public enum TokenLevel: String, Codable, Sendable, CaseIterable {
    /// One token per Unicode scalar (UTF-8 text of any language).
    case character
    /// White-space separated words, with `<eos>` at the end of every line (as the PTB files are used).
    case word
}

/// A text file read and validated: UTF-8, not empty. Errors name the file (and, for bad UTF-8,
/// the line and byte offset).
public struct TextCorpus {
    public let path: String
    public let text: String

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            throw CorpusError(path: path, reason: exists ? (isFolder.boolValue ? "is a folder, not a text file" : "cannot be read") : "no such file")
        }
        try self.init(data: data, path: path)
    }

    public init(data: Data, path: String = "<text>") throws {
        guard !data.isEmpty else { throw CorpusError(path: path, reason: "is empty") }
        guard let text = String(validatingUTF8Data: data) else {
            let (line, offset) = firstInvalidUTF8(data)
            throw CorpusError(path: path, reason: "is not UTF-8 text (invalid byte at line \(line), byte offset \(offset))")
        }
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw CorpusError(path: path, reason: "holds only white space")
        }
        self.path = path
        self.text = text
    }

    /// The tokens of the text at `level`: Unicode scalars as strings, or words with `<eos>` ending each line.
    public func tokens(level: TokenLevel) -> [String] {
        TextCorpus.tokenize(text, level: level)
    }

    /// Tokens of any text (the same rule as training used).
    public static func tokenize(_ text: String, level: TokenLevel) -> [String] {
        switch level {
        case .character:
            return text.unicodeScalars.map { String($0) }
        case .word:
            var tokens: [String] = []
            text.enumerateLines { line, _ in
                let words = line.split(whereSeparator: { $0.isWhitespace }).map(String.init)
                tokens += words
                tokens.append(LMVocabulary.endOfSentence)
            }
            return tokens
        }
    }
}

extension String {
    /// Decodes strict UTF-8 (nil on any invalid sequence, unlike `String(decoding:)`).
    init?(validatingUTF8Data data: Data) {
        var result = ""
        var iterator = data.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): result.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = result
    }
}

/// The line (1-based) and byte offset of the first byte that breaks UTF-8.
func firstInvalidUTF8(_ data: Data) -> (line: Int, offset: Int) {
    var line = 1, offset = 0
    let bytes = [UInt8](data)
    while offset < bytes.count {
        let b = bytes[offset]
        let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
        if length == 0 || offset + length > bytes.count { return (line, offset) }
        if length > 1, String(bytes: bytes[offset..<(offset + length)], encoding: .utf8) == nil { return (line, offset) }
        if b == 0x0A { line += 1 }
        offset += length
    }
    return (line, offset)
}

/// A text that cannot be used for a language model.
public struct CorpusError: Error, CustomStringConvertible {
    public let path: String, reason: String
    public var description: String { "\(path) \(reason)" }
}
