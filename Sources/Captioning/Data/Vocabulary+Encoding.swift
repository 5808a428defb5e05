extension Vocabulary {
    /// The length of an encoded caption of `maximumLength` words: `<start>`, the words, `<end>`.
    public var encodedLength: Int { maximumLength + 2 }

    /// Whether a caption of these tokens is short enough to encode.
    public func fits(_ tokens: [String]) -> Bool { tokens.count <= maximumLength }

    /// `<start>`, the ids of `tokens` (`<unk>` for unknown words), `<end>`; nil when the caption
    /// has more than `maximumLength` words (such captions are skipped, see `Vocabulary`).
    public func encode(_ tokens: [String]) -> [Int]? {
        guard fits(tokens) else { return nil }
        var ids = [Self.startID]
        ids.reserveCapacity(tokens.count + 2)
        for token in tokens { ids.append(id(of: token)) }
        ids.append(Self.endID)
        return ids
    }

    /// `encode(tokens)` followed by `<pad>` up to `length` ids (`encodedLength` by default); nil
    /// when the caption has more than `maximumLength` words or does not fit in `length`.
    public func encode(_ tokens: [String], paddedTo length: Int) -> [Int]? {
        guard var ids = encode(tokens), ids.count <= length else { return nil }
        ids.append(contentsOf: repeatElement(Self.padID, count: length - ids.count))
        return ids
    }

    /// The words of `ids`, stopping at the first `<end>` and dropping the special tokens
    /// (`<pad>`, `<start>`, and `<unk>` unless `keepingUnknown`) and ids out of range.
    public func decode(_ ids: [Int], keepingUnknown: Bool = false) -> [String] {
        var result: [String] = []
        for id in ids {
            if id == Self.endID { break }
            if id == Self.unknownID {
                if keepingUnknown { result.append(Self.unknownToken) }
                continue
            }
            guard id > Self.unknownID, id < count else { continue }
            result.append(words[id])
        }
        return result
    }
}
