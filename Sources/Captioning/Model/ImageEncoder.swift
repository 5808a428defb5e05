import NN

/// The convolutional encoder: three blocks `Conv2d 3x3 (no bias) -> BatchNorm2d -> ReLU -> MaxPool 2x2`
/// (channels 3 -> 32 -> 64 -> 128), then `Conv2d 3x3 128 -> D -> BatchNorm2d -> ReLU`.
/// Images `[B, 3, S, S]` give annotation vectors `[B, L, D]`, L = (S/8)^2, ordered row-major over
/// space (PyTorch: `permute(0, 2, 3, 1).reshape(B, -1, D)`). In eval mode without gradient
/// recording it runs `EncoderInference` (batch norm folded, ReLU and pooling fused): same features.
public final class ImageEncoder: Layer {
    public let conv1: Conv2D, conv2: Conv2D, conv3: Conv2D, conv4: Conv2D
    public let bn1: BatchNorm2D, bn2: BatchNorm2D, bn3: BatchNorm2D, bn4: BatchNorm2D
    let pool = MaxPool2D(kernelSize: 2)
    public let featureSize: Int
    /// The graph-free path taken in eval mode when no gradient is recorded (captioning).
    private let inference = EncoderInference()

    public init(featureSize: Int, generator: inout SeededGenerator) {
        self.featureSize = featureSize
        conv1 = Conv2D(inputChannels: 3, outputChannels: 32, kernelSize: 3, padding: 1, bias: false, generator: &generator)
        conv2 = Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: 3, padding: 1, bias: false, generator: &generator)
        conv3 = Conv2D(inputChannels: 64, outputChannels: 128, kernelSize: 3, padding: 1, bias: false, generator: &generator)
        conv4 = Conv2D(inputChannels: 128, outputChannels: featureSize, kernelSize: 3, padding: 1, bias: false, generator: &generator)
        bn1 = BatchNorm2D(featureCount: 32); bn2 = BatchNorm2D(featureCount: 64)
        bn3 = BatchNorm2D(featureCount: 128); bn4 = BatchNorm2D(featureCount: featureSize)
    }

    public var sublayers: [(name: String, layer: any Layer)] {
        let layers: [(String, any Layer)] = [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2),
                                             ("conv3", conv3), ("bn3", bn3), ("conv4", conv4), ("bn4", bn4)]
        return layers.map { (name: $0.0, layer: $0.1) }
    }

    public func callAsFunction(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == 3 && images.shape[2] % 8 == 0 && images.shape[2] == images.shape[3],
                     "the encoder takes square RGB images [B, 3, S, S] with S a multiple of 8, not \(images.shape)")
        if !bn1.isTraining && !GradientMode.isEnabled { return inference.encode(self, images: images) }
        var x = pool(bn1(conv1(images), relu: true))
        x = pool(bn2(conv2(x), relu: true))
        x = pool(bn3(conv3(x), relu: true))
        x = bn4(conv4(x), relu: true)
        let b = x.shape[0], side = x.shape[2]
        return x.permuted([0, 2, 3, 1]).reshaped([b, side * side, featureSize])
    }
}
