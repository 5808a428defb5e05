import ImageIO
import NN

/// Turns image files into the model's input exactly as training did: decoded (any size, PNG or
/// JPEG), made square by the configuration's mode, resized to its side, normalised by its mean
/// and standard deviation.
public struct ImagePreprocessor: Sendable {
    public let configuration: CaptionerConfiguration
    let decoder = ImageDecoder()

    public init(configuration: CaptionerConfiguration) { self.configuration = configuration }

    public var mode: SquareMode { SquareMode(rawValue: configuration.squareMode) ?? .squash }

    /// The square, resized image (for overlays).
    public func squareImage(contentsOf path: String) throws -> Image {
        try decoder.decodeSquare(contentsOf: path, side: configuration.imageSize, mode: mode)
    }

    /// `[1, 3, S, S]` normalised input for one image.
    public func tensor(for image: Image) -> Tensor {
        let side = configuration.imageSize
        let t = Tensor(zeros: [1, 3, side, side])
        image.writeNormalizedCHW(into: t.mutableBuffer, normalization: ChannelNormalization(mean: configuration.mean, standardDeviation: configuration.standardDeviation))
        return t
    }
}
