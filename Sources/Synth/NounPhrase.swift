/// A description of objects in a caption: "a small red circle", "two circles", "three shapes", "a red shape".
///
/// Grammar: `("a" | number) [size] [colour] noun`, the noun a shape word (plural after two or three)
/// or the generic "shape"/"shapes". An object matches when it has every attribute the phrase names.
public struct NounPhrase: Sendable, Hashable {
    /// How many objects the phrase speaks of.
    public enum Quantity: Sendable, Hashable {
        /// "a ...": at least one such object (a distinct one for each "a" phrase of the caption).
        case indefinite
        /// "one/two/three ...": exactly this many such objects in the scene.
        case exactly(Int)
    }

    /// The determiner's meaning.
    public var quantity: Quantity
    /// The size word, if any.
    public var size: ObjectSize?
    /// The colour word, if any.
    public var color: ObjectColor?
    /// The shape, or `nil` for the generic noun "shape(s)".
    public var shape: ShapeKind?

    /// A phrase with the given determiner and attributes.
    public init(quantity: Quantity, size: ObjectSize? = nil, color: ObjectColor? = nil, shape: ShapeKind? = nil) {
        self.quantity = quantity; self.size = size; self.color = color; self.shape = shape
    }

    /// The number words the grammar knows, index = value ("one" is 1).
    public static let numberWords = ["zero", "one", "two", "three"]

    /// Whether `object` has every attribute the phrase names.
    public func matches(_ object: SceneObject) -> Bool {
        (size == nil || size == object.size) && (color == nil || color == object.color) && (shape == nil || shape == object.shape)
    }

    /// Whether the phrase takes a singular noun ("a" or "one").
    public var isSingular: Bool {
        if case .exactly(let count) = quantity { return count == 1 }
        return true
    }

    /// The words: `["a", "small", "red", "circle"]`, `["two", "circles"]`.
    public var words: [String] {
        var words: [String]
        switch quantity {
        case .indefinite: words = ["a"]
        case .exactly(let count): words = [Self.numberWords[count]]
        }
        if let size { words.append(size.word) }
        if let color { words.append(color.word) }
        if isSingular {
            words.append(shape?.word ?? "shape")
        } else {
            words.append(shape?.pluralWord ?? "shapes")
        }
        return words
    }

    /// The attributes without the determiner ("small red circle", "red shape"), for explanations.
    public var attributeText: String {
        ([size?.word, color?.word].compactMap { $0 } + [shape?.word ?? "shape"]).joined(separator: " ")
    }
}
