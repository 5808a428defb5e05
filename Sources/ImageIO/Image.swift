/// An 8-bit RGB image: `height` rows of `width` pixels, row-major, 3 bytes a pixel (R, G, B).
///
/// The byte of channel `c` of pixel `(x, y)` is `pixels[(y * width + x) * 3 + c]`; `pixels.count == width * height * 3`.
/// Decoders always produce this layout (alpha is composited away, grey is replicated, 16-bit is reduced).
public struct Image: Sendable, Equatable {
    /// Number of columns, at least 1.
    public var width: Int
    /// Number of rows, at least 1.
    public var height: Int
    /// `width * height * 3` bytes, row-major RGB.
    public var pixels: [UInt8]

    /// Wraps existing RGB bytes; `pixels.count` must be `width * height * 3` and both sizes positive.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "an image needs a positive size, not \(width)x\(height)")
        precondition(pixels.count == width * height * 3, "an RGB image of \(width)x\(height) has \(width * height * 3) bytes, not \(pixels.count)")
        self.width = width; self.height = height; self.pixels = pixels
    }

    /// An image of `width x height` pixels all of one colour.
    public init(width: Int, height: Int, filledWith color: RGBColor) {
        precondition(width > 0 && height > 0, "an image needs a positive size, not \(width)x\(height)")
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            bytes[3 * index] = color.red; bytes[3 * index + 1] = color.green; bytes[3 * index + 2] = color.blue
        }
        self.init(width: width, height: height, pixels: bytes)
    }

    /// The colour of pixel `(x, y)`, `0 <= x < width`, `0 <= y < height`.
    public subscript(x x: Int, y y: Int) -> RGBColor {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside \(width)x\(height)")
            let offset = (y * width + x) * 3
            return RGBColor(red: pixels[offset], green: pixels[offset + 1], blue: pixels[offset + 2])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside \(width)x\(height)")
            let offset = (y * width + x) * 3
            pixels[offset] = newValue.red; pixels[offset + 1] = newValue.green; pixels[offset + 2] = newValue.blue
        }
    }
}
