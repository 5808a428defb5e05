/// The two object sizes. An object's extent (the side of the square it fills) is drawn uniformly from
/// `extentRange` times the image side: at 64 pixels small objects are 10-12 pixels across and large
/// ones 20-24, so the classes never come near each other.
public enum ObjectSize: String, Sendable, CaseIterable, Codable, Hashable {
    /// About a sixth of the image side.
    case small
    /// About a third of the image side.
    case large

    /// The caption word ("small").
    public var word: String { rawValue }

    /// The extent of an object of this size, as a fraction of the image side.
    public var extentRange: ClosedRange<Double> {
        switch self {
        case .small: 0.16...0.19
        case .large: 0.32...0.38
        }
    }
}
