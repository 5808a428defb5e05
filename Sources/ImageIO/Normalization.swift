/// Per-channel statistics for turning bytes into network inputs: `(x / 255 - mean_c) / standardDeviation_c`.
public struct ChannelNormalization: Sendable, Equatable {
    /// Mean of R, G, B on the 0-1 scale (3 values).
    public var mean: [Float]
    /// Standard deviation of R, G, B on the 0-1 scale (3 values, positive).
    public var standardDeviation: [Float]

    /// Statistics from three means and three positive standard deviations (0-1 scale).
    public init(mean: [Float], standardDeviation: [Float]) {
        precondition(mean.count == 3 && standardDeviation.count == 3, "need 3 means and 3 standard deviations")
        precondition(standardDeviation.allSatisfy { $0 > 0 }, "standard deviations must be positive")
        self.mean = mean; self.standardDeviation = standardDeviation
    }

    /// ImageNet's: mean (0.485, 0.456, 0.406), standard deviation (0.229, 0.224, 0.225) (torchvision's constants).
    public static let imageNet = ChannelNormalization(mean: [0.485, 0.456, 0.406], standardDeviation: [0.229, 0.224, 0.225])
    /// Mean 0, standard deviation 1: plain `x / 255` in `[0, 1]` (torchvision `ToTensor`).
    public static let unitRange = ChannelNormalization(mean: [0, 0, 0], standardDeviation: [1, 1, 1])
}

extension Image {
    /// The image as a normalised planar float array, shape `[3, height, width]` (CHW, as PyTorch):
    /// `out[c * H * W + y * W + x] = (pixels[(y * W + x) * 3 + c] / 255 - mean_c) / std_c`.
    public func normalizedCHW(_ normalization: ChannelNormalization = .imageNet) -> [Float] {
        [Float](unsafeUninitializedCapacity: 3 * width * height) { buffer, count in
            writeNormalizedCHW(into: buffer, normalization: normalization)
            count = 3 * width * height
        }
    }

    /// Writes `normalizedCHW(normalization)` into `destination` (exactly `3 * height * width` floats),
    /// e.g. one image's slice of a batch buffer `[B, 3, H, W]`, without allocating.
    public func writeNormalizedCHW(into destination: UnsafeMutableBufferPointer<Float>,
                                   normalization: ChannelNormalization = .imageNet) {
        let plane = width * height
        precondition(destination.count == 3 * plane, "CHW output needs \(3 * plane) floats, not \(destination.count)")
        // One 256-entry table per channel: the same formula, evaluated once per byte value.
        var table = [Float](repeating: 0, count: 3 * 256)
        for channel in 0..<3 {
            let mean = normalization.mean[channel], deviation = normalization.standardDeviation[channel]
            for value in 0..<256 { table[channel * 256 + value] = (Float(value) / 255 - mean) / deviation }
        }
        table.withUnsafeBufferPointer { table in
            pixels.withUnsafeBufferPointer { source in
                for channel in 0..<3 {
                    let output = destination.baseAddress! + channel * plane
                    let lookup = table.baseAddress! + channel * 256
                    for index in 0..<plane { output[index] = lookup[Int(source[3 * index + channel])] }
                }
            }
        }
    }
}
