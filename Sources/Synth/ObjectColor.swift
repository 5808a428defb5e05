import ImageIO

/// The colours objects are painted in: saturated (or white) and far apart in RGB, every one with a
/// channel of at least 200, so none can be confused with another or with the background, whose
/// channels stay at or below `BackgroundTexture.maximumChannel`.
public enum ObjectColor: String, Sendable, CaseIterable, Codable, Hashable {
    /// `(220, 40, 40)`.
    case red
    /// `(50, 200, 50)`.
    case green
    /// `(35, 70, 240)`.
    case blue
    /// `(240, 220, 40)`.
    case yellow
    /// `(205, 50, 215)`: a magenta-leaning purple, to stay far from blue.
    case purple
    /// `(40, 215, 215)`.
    case cyan
    /// `(245, 245, 245)`.
    case white

    /// The caption word ("red").
    public var word: String { rawValue }

    /// The exact colour the renderer fills objects with.
    public var rgb: RGBColor {
        switch self {
        case .red: RGBColor(red: 220, green: 40, blue: 40)
        case .green: RGBColor(red: 50, green: 200, blue: 50)
        case .blue: RGBColor(red: 35, green: 70, blue: 240)
        case .yellow: RGBColor(red: 240, green: 220, blue: 40)
        case .purple: RGBColor(red: 205, green: 50, blue: 215)
        case .cyan: RGBColor(red: 40, green: 215, blue: 215)
        case .white: RGBColor(red: 245, green: 245, blue: 245)
        }
    }
}
