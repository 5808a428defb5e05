/// An 8-bit RGB image, row-major, 3 bytes a pixel.
public struct Image: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "an RGB image of \(width)x\(height) has \(width * height * 3) bytes, not \(pixels.count)")
        self.width = width; self.height = height; self.pixels = pixels
    }
}
