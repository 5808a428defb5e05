/// One 8-bit RGB colour, `(red, green, blue)` each in `0...255`.
public struct RGBColor: Sendable, Equatable, Hashable {
    /// Red, 0-255.
    public var red: UInt8
    /// Green, 0-255.
    public var green: UInt8
    /// Blue, 0-255.
    public var blue: UInt8

    /// A colour from its three 8-bit channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red; self.green = green; self.blue = blue
    }

    /// `(255, 255, 255)`: the background transparent PNG pixels are composited over by default.
    public static let white = RGBColor(red: 255, green: 255, blue: 255)
    /// `(0, 0, 0)`.
    public static let black = RGBColor(red: 0, green: 0, blue: 0)
}
