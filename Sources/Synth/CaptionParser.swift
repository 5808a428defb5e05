/// Token positions of one noun phrase, as indices into the token array that was parsed.
public struct PhraseTokens: Sendable, Hashable {
    /// Index of the size word, if any.
    public var size: Int?
    /// Index of the colour word, if any.
    public var color: Int?
    /// Index of the noun ("circle", "shapes").
    public var noun: Int
}

/// A caption read by `CaptionParser`: its meaning and where each noun phrase's words are.
public struct ParsedCaption: Sendable, Hashable {
    /// What the caption says.
    public var meaning: CaptionMeaning
    /// One entry per phrase of `meaning.phrases`, same order.
    public var phraseTokens: [PhraseTokens]
}

/// Why a caption could not be read.
public struct CaptionParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, naming the word (1-based among the caption's real words).
    public var reason: String
    /// The reason.
    public var description: String { reason }
}

/// Reads captions in the grammar of `CaptionMeaning` (the templates' word order and vocabulary).
///
/// Tokens are compared lowercased. Tokens written like `<start>`, `<end>`, `<pad>` and tokens with no
/// letter or digit (punctuation) are skipped, but keep their index, so positions refer to the caller's
/// token array (e.g. a decoder's output).
public enum CaptionParser {
    /// Splits `text` on white space into tokens.
    public static func tokens(of text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    }

    /// Parses a caption given as text (see `tokens(of:)`).
    public static func parse(_ text: String) throws(CaptionParseError) -> ParsedCaption {
        try parse(tokens: tokens(of: text))
    }

    /// Parses a caption given as tokens.
    public static func parse(tokens: [String]) throws(CaptionParseError) -> ParsedCaption {
        var reader = Reader(tokens: tokens)
        return try reader.caption()
    }

    /// Whether a token is ignored: a special token such as `<end>`, or punctuation.
    static func isIgnored(_ token: String) -> Bool {
        if token.count >= 2 && token.hasPrefix("<") && token.hasSuffix(">") { return true }
        return !token.contains { $0.isLetter || $0.isNumber }
    }

    /// Recursive-descent reader over the caption's real words.
    private struct Reader {
        let words: [(index: Int, word: String)]
        var position = 0
        var phraseTokens: [PhraseTokens] = []

        init(tokens: [String]) {
            words = tokens.enumerated().compactMap { index, token in
                CaptionParser.isIgnored(token) ? nil : (index, token.lowercased())
            }
        }

        var current: String? { position < words.count ? words[position].word : nil }

        func failure(_ expected: String) -> CaptionParseError {
            if let current {
                return CaptionParseError(reason: "word \(position + 1) \"\(current)\": expected \(expected)")
            }
            return CaptionParseError(reason: words.isEmpty ? "the caption is empty" : "the caption ends where \(expected) should follow")
        }

        mutating func expect(_ word: String) throws(CaptionParseError) {
            guard current == word else { throw failure("\"\(word)\"") }
            position += 1
        }

        mutating func caption() throws(CaptionParseError) -> ParsedCaption {
            var singularIntro: Bool? = nil
            if current == "there" {
                position += 1
                switch current {
                case "is": singularIntro = true
                case "are": singularIntro = false
                default: throw failure("\"is\" or \"are\"")
                }
                position += 1
            }
            let firstPhrasePosition = position
            var clauses: [CaptionClause] = []
            while true {
                clauses.append(try clause())
                if current == nil { break }
                guard current == "and" else { throw failure("\"and\" or the end") }
                position += 1
            }
            if let singularIntro, let first = clauses.first?.phrases.first, first.isSingular != singularIntro {
                throw CaptionParseError(reason: "word \(firstPhrasePosition) \"\(singularIntro ? "is" : "are")\" does not agree with \"\(first.words.joined(separator: " "))\"")
            }
            return ParsedCaption(meaning: CaptionMeaning(opensWithThere: singularIntro != nil, clauses: clauses), phraseTokens: phraseTokens)
        }

        mutating func clause() throws(CaptionParseError) -> CaptionClause {
            let start = position
            let first = try phrase()
            switch current {
            case "to", "above", "below":
                try needsIndefinite(first, start)
                let relation = try relationWords()
                let secondStart = position
                let second = try phrase()
                try needsIndefinite(second, secondStart)
                return .relation(first, relation, second)
            case "on", "at":
                try needsIndefinite(first, start)
                return .position(first, try positionWords())
            default:
                return .mention(first)
            }
        }

        func needsIndefinite(_ phrase: NounPhrase, _ start: Int) throws(CaptionParseError) {
            guard phrase.quantity == .indefinite else {
                throw CaptionParseError(reason: "word \(start + 1) \"\(words[start].word)\": relations and positions take \"a\" phrases, not counts")
            }
        }

        mutating func relationWords() throws(CaptionParseError) -> SpatialRelation {
            switch current {
            case "above": position += 1; return .above
            case "below": position += 1; return .below
            default:
                try expect("to"); try expect("the")
                let relation: SpatialRelation
                switch current {
                case "left": relation = .leftOf
                case "right": relation = .rightOf
                default: throw failure("\"left\" or \"right\"")
                }
                position += 1
                try expect("of")
                return relation
            }
        }

        mutating func positionWords() throws(CaptionParseError) -> AbsolutePosition {
            if current == "on" {
                position += 1
                try expect("the")
                switch current {
                case "left": position += 1; return .left
                case "right": position += 1; return .right
                default: throw failure("\"left\" or \"right\"")
                }
            }
            try expect("at"); try expect("the")
            switch current {
            case "top": position += 1; return .top
            case "bottom": position += 1; return .bottom
            default: throw failure("\"top\" or \"bottom\"")
            }
        }

        mutating func phrase() throws(CaptionParseError) -> NounPhrase {
            var phrase: NounPhrase
            if current == "a" {
                phrase = NounPhrase(quantity: .indefinite)
            } else if let word = current, let count = NounPhrase.numberWords.firstIndex(of: word), count > 0 {
                phrase = NounPhrase(quantity: .exactly(count))
            } else {
                throw failure("\"a\" or a number")
            }
            position += 1
            var tokens = PhraseTokens(size: nil, color: nil, noun: 0)
            if let word = current, let size = ObjectSize(rawValue: word) {
                phrase.size = size; tokens.size = words[position].index; position += 1
            }
            if let word = current, let color = ObjectColor(rawValue: word) {
                phrase.color = color; tokens.color = words[position].index; position += 1
            }
            guard let noun = current else { throw failure("a shape") }
            let singular = phrase.isSingular
            if noun == (singular ? "shape" : "shapes") {
                phrase.shape = nil
            } else if let shape = ShapeKind.allCases.first(where: { (singular ? $0.word : $0.pluralWord) == noun }) {
                phrase.shape = shape
            } else {
                throw failure(singular ? "a shape (singular)" : "shapes (plural)")
            }
            tokens.noun = words[position].index
            position += 1
            phraseTokens.append(tokens)
            return phrase
        }
    }
}
