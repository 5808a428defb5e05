/// Max pooling as `torch.nn.MaxPool2d` (square window; stride defaults to the window).
/// Input `[B, C, H, W]`, output `[B, C, (H + 2p - k) / s + 1, (W + 2p - k) / s + 1]`.
public final class MaxPool2D: UnaryLayer {
    public let kernelSize: Int, stride: Int, padding: Int

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernelSize = kernelSize; self.stride = stride ?? kernelSize; self.padding = padding
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding)
    }
}
