/// A 2-D convolution layer as `torch.nn.Conv2d` (square kernel, same stride and padding on both
/// axes). Input `[B, inputChannels, H, W]`, `weight [outputChannels, inputChannels, k, k]`,
/// `bias [outputChannels]` (optional). Initialised U(-1/sqrt(fanIn), 1/sqrt(fanIn)), `fanIn = inputChannels * k * k`.
public final class Conv2D: UnaryLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int, padding: Int

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, generator: inout SeededGenerator) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0, "Conv2D needs positive sizes")
        let fanIn = inputChannels * kernelSize * kernelSize
        weight = Initialization.kaimingUniform([outputChannels, inputChannels, kernelSize, kernelSize], fanIn: fanIn, generator: &generator)
        self.bias = bias ? Initialization.bias(outputChannels, fanIn: fanIn, generator: &generator) : nil
        self.stride = stride; self.padding = padding
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        var p = [(name: "weight", tensor: weight)]
        if let bias { p.append((name: "bias", tensor: bias)) }
        return p
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
