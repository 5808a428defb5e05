/// The shapes a synthetic scene draws. Each fills its object's square extent (see `ShapeGeometry`).
public enum ShapeKind: String, Sendable, CaseIterable, Codable, Hashable {
    /// A disc.
    case circle
    /// An axis-aligned filled square.
    case square
    /// An isosceles triangle, apex up, base down.
    case triangle
    /// A square turned by 45 degrees (corners up, down, left and right).
    case diamond
    /// A plus sign: two bars, each a third of the extent thick.
    case cross

    /// The caption word for one such shape ("circle").
    public var word: String { rawValue }

    /// The caption word for several ("circles", "crosses").
    public var pluralWord: String {
        self == .cross ? "crosses" : rawValue + "s"
    }
}
