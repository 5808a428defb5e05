/// A colour and a shape together ("red circle"): the unit that hold-out experiments keep out of training.
public struct ColorShapePair: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The colour.
    public var color: ObjectColor
    /// The shape.
    public var shape: ShapeKind

    /// The pair of `color` and `shape`.
    public init(color: ObjectColor, shape: ShapeKind) {
        self.color = color; self.shape = shape
    }

    /// "red circle".
    public var description: String { "\(color.word) \(shape.word)" }

    /// Every colour with every shape, colours first, in declaration order.
    public static var all: [ColorShapePair] {
        ObjectColor.allCases.flatMap { color in ShapeKind.allCases.map { ColorShapePair(color: color, shape: $0) } }
    }

    /// Parses a comma-separated list such as `"red circle, blue triangle"` (case and extra spaces do
    /// not matter; an empty string is an empty list; repeated pairs are kept once, in first-seen order).
    /// Throws `SynthError.invalidHoldOut` naming the first entry that is not a colour followed by a shape.
    public static func parseList(_ text: String) throws(SynthError) -> [ColorShapePair] {
        var pairs: [ColorShapePair] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let words = entry.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if words.isEmpty {
                if text.trimmingWhitespace.isEmpty { continue }
                throw SynthError.invalidHoldOut("empty entry in \"\(text)\"")
            }
            guard words.count == 2, let color = ObjectColor(rawValue: words[0]), let shape = ShapeKind(rawValue: words[1]) else {
                let colors = ObjectColor.allCases.map(\.word).joined(separator: ", ")
                let shapes = ShapeKind.allCases.map(\.word).joined(separator: ", ")
                throw SynthError.invalidHoldOut(
                    "\"\(entry.trimmingWhitespace)\" is not a colour and a shape (colours: \(colors); shapes: \(shapes))")
            }
            let pair = ColorShapePair(color: color, shape: shape)
            if !pairs.contains(pair) { pairs.append(pair) }
        }
        return pairs
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
