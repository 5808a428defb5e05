/// The words a captioning model knows, each with an integer id: the four special tokens
/// `<pad>` = 0, `<start>` = 1, `<end>` = 2, `<unk>` = 3, then the words seen at least
/// `minimumCount` times in the training captions, most frequent first (ties in alphabetical order).
///
/// Captions longer than `maximumLength` words are skipped, not truncated: when the vocabulary is
/// built they are not counted, and `encode` returns nil for them, so a model never learns to stop
/// in mid-sentence. Flickr8k's longest caption has 38 words, so the default of 50 skips none.
public struct Vocabulary: Sendable, Equatable {
    /// The padding token, id 0 (`nn.Embedding(padding_idx=0)`, ignored by the loss).
    public static let padToken = "<pad>"
    /// The token fed at the first decoding step, id 1.
    public static let startToken = "<start>"
    /// The token that ends a caption, id 2.
    public static let endToken = "<end>"
    /// The token standing for every word not in the vocabulary, id 3.
    public static let unknownToken = "<unk>"
    /// The special tokens in id order.
    public static let specialTokens = [padToken, startToken, endToken, unknownToken]
    /// Id of `<pad>`.
    public static let padID = 0
    /// Id of `<start>`.
    public static let startID = 1
    /// Id of `<end>`.
    public static let endID = 2
    /// Id of `<unk>`.
    public static let unknownID = 3

    /// The words by id; the first four are `specialTokens`.
    public let words: [String]
    /// The minimum count a word needed in the training captions to be kept.
    public let minimumCount: Int
    /// The most words (without `<start>` and `<end>`) a caption may have.
    public let maximumLength: Int
    private let idByWord: [String: Int]

    /// A vocabulary from its word list. Throws `.corrupt` when the first four words are not the
    /// special tokens in order, a word is empty or repeated, or a limit is below 1.
    public init(words: [String], minimumCount: Int, maximumLength: Int) throws(VocabularyError) {
        try self.init(words: words, minimumCount: minimumCount, maximumLength: maximumLength, path: nil, lines: nil)
    }

    /// The checked initialiser; `path` and `lines` (per word) place errors in a file.
    init(words: [String], minimumCount: Int, maximumLength: Int, path: String?, lines: [Int]?) throws(VocabularyError) {
        func line(_ index: Int) -> Int? { lines.flatMap { index < $0.count ? $0[index] : nil } }
        guard minimumCount >= 1 else {
            throw VocabularyError(.corrupt, path: path, message: "minimumCount must be at least 1, not \(minimumCount)")
        }
        guard maximumLength >= 1 else {
            throw VocabularyError(.corrupt, path: path, message: "maximumLength must be at least 1, not \(maximumLength)")
        }
        for (index, special) in Self.specialTokens.enumerated() {
            guard index < words.count, words[index] == special else {
                let found = index < words.count ? "\"\(words[index])\"" : "the end of the list"
                throw VocabularyError(.corrupt, path: path, line: line(index),
                    message: "word \(index) must be \(special) (the special tokens come first: \(Self.specialTokens.joined(separator: ", "))), found \(found)")
            }
        }
        var idByWord: [String: Int] = [:]
        idByWord.reserveCapacity(words.count)
        for (index, word) in words.enumerated() {
            guard !word.isEmpty else {
                throw VocabularyError(.corrupt, path: path, line: line(index), message: "word \(index) is empty")
            }
            if let earlier = idByWord[word] {
                throw VocabularyError(.corrupt, path: path, line: line(index),
                                      message: "word \(index) \"\(word)\" repeats word \(earlier)")
            }
            idByWord[word] = index
        }
        self.words = words
        self.minimumCount = minimumCount
        self.maximumLength = maximumLength
        self.idByWord = idByWord
    }

    /// Builds a vocabulary from tokenised training captions: captions longer than
    /// `maximumLength` are left out, words are counted over the rest, and words seen at least
    /// `minimumCount` times get ids from 4 on, most frequent first, ties alphabetical.
    /// Words spelled like a special token are not counted. Both limits must be at least 1.
    public static func build(fromTokenizedCaptions captions: [[String]], minimumCount: Int = 5, maximumLength: Int = 50) -> Vocabulary {
        precondition(minimumCount >= 1 && maximumLength >= 1, "minimumCount and maximumLength must be at least 1")
        var counts: [String: Int] = [:]
        for caption in captions where caption.count <= maximumLength {
            for word in caption { counts[word, default: 0] += 1 }
        }
        for special in specialTokens { counts[special] = nil }
        let kept = counts.filter { $0.value >= minimumCount }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map(\.key)
        do {
            return try Vocabulary(words: specialTokens + kept, minimumCount: minimumCount, maximumLength: maximumLength)
        } catch {
            preconditionFailure("a built vocabulary is valid: \(error)")
        }
    }

    /// Builds a vocabulary from the captions of `images` in `splits` (by default the training
    /// images, with Karpathy's `restval`), tokenised by `tokenizer`.
    public static func build(from images: [CaptionedImage], splits: Set<CaptionSplit> = [.train, .restval],
                             tokenizer: CaptionTokenizer = CaptionTokenizer(),
                             minimumCount: Int = 5, maximumLength: Int = 50) -> Vocabulary {
        var captions: [[String]] = []
        for image in images where splits.contains(image.split) {
            for caption in image.captions { captions.append(tokenizer.tokenize(caption)) }
        }
        return build(fromTokenizedCaptions: captions, minimumCount: minimumCount, maximumLength: maximumLength)
    }

    /// The number of ids, special tokens included (the model's V).
    public var count: Int { words.count }

    /// The id of `word`, or `unknownID` for a word not in the vocabulary.
    public func id(of word: String) -> Int { idByWord[word] ?? Self.unknownID }

    /// Whether `word` has an id of its own.
    public func contains(_ word: String) -> Bool { idByWord[word] != nil }

    /// The word with `id`, or nil outside `0..<count`.
    public func word(forID id: Int) -> String? { words.indices.contains(id) ? words[id] : nil }
}
