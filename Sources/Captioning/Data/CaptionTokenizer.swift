/// Splits a caption into words the way Karpathy's preprocessing of Flickr8k, Flickr30k and COCO
/// did (the `tokens` of `dataset_*.json`): lowercase, every character that is not a letter or a
/// digit becomes a space, then split on white space.
///
/// - Letters of any script are kept (`Café` → `café`), as are digits (`2 dogs` → `2`, `dogs`).
/// - Punctuation and symbols separate words rather than vanish: `t-shirt` → `t`, `shirt`;
///   `dog's` → `dog`, `s`; `3.5` → `3`, `5`. This is what Karpathy's tokens show: on the 35000
///   Flickr8k captions it reproduces every `tokens` list of `dataset_flickr8k.json`, whereas
///   deleting punctuation (`tshirt`) differs on 867.
/// - Emoji and other symbols are dropped.
///
/// ```swift
/// CaptionTokenizer().tokenize("A dog's red T-shirt.")   // ["a", "dog", "s", "red", "t", "shirt"]
/// ```
public struct CaptionTokenizer: Sendable, Equatable {
    /// The name stored in `vocab.json`, so that a vocabulary is never used with a different
    /// tokenisation than it was built with.
    public static let identifier = "lowercase-letters-digits-v1"

    /// The tokenizer (it has no settings).
    public init() {}

    /// The words of `text`, in order.
    public func tokenize(_ text: String) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return tokenizeASCII(text) }
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The fast path for ASCII text (most captions): the same rules over bytes.
    private func tokenizeASCII(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        current.reserveCapacity(16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                current.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                current.append(byte + 32)
            default:
                if !current.isEmpty {
                    words.append(String(decoding: current, as: UTF8.self))
                    current.removeAll(keepingCapacity: true)
                }
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }
}
