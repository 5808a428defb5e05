/// An image identifier as COCO files carry it: an integer (COCO, `"image_id": 391895`) or a string
/// (Flickr8k file names and other data sets). Integers sort before strings, integers numerically,
/// strings by their characters.
public enum ImageID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// A numeric identifier (COCO's image ids).
    case integer(Int)
    /// A textual identifier (a file name, for instance).
    case string(String)

    /// The identifier as written in messages: the number, or the string in quotes.
    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }

    /// The value to put in JSON: an `Int` or a `String`.
    var jsonValue: Any {
        switch self {
        case .integer(let value): return value
        case .string(let value): return value
        }
    }

    /// Integers before strings; integers by value, strings by character.
    public static func < (lhs: ImageID, rhs: ImageID) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return a < b
        case (.string(let a), .string(let b)): return a < b
        case (.integer, .string): return true
        case (.string, .integer): return false
        }
    }
}
