/// A fully connected layer, `y = x W^T + b`, as `torch.nn.Linear`.
///
/// Shapes: input `[..., inputSize]`, `weight [outputSize, inputSize]`, `bias [outputSize]`,
/// output `[..., outputSize]`. Initialised U(-1/sqrt(inputSize), 1/sqrt(inputSize)).
public final class Linear: UnaryLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let inputSize: Int, outputSize: Int

    public init(inputSize: Int, outputSize: Int, bias: Bool = true, generator: inout SeededGenerator) {
        precondition(inputSize > 0 && outputSize > 0, "Linear needs positive sizes, got \(inputSize) -> \(outputSize)")
        self.inputSize = inputSize; self.outputSize = outputSize
        weight = Initialization.kaimingUniform([outputSize, inputSize], fanIn: inputSize, generator: &generator)
        self.bias = bias ? Initialization.bias(outputSize, fanIn: inputSize, generator: &generator) : nil
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        var p = [(name: "weight", tensor: weight)]
        if let bias { p.append((name: "bias", tensor: bias)) }
        return p
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 2 && input.shape.last == inputSize,
                     "Linear(\(inputSize) -> \(outputSize)) takes input [..., \(inputSize)], not \(input.shape)")
        let product = matmul(input, weight, transposeB: true)
        guard let bias else { return product }
        return product + bias
    }
}
