/// A Jordan RNN cell: the memory holds the previous output, not the hidden state:
/// `h_t = act(x_t W_ih^T + y_{t-1} W_yh^T + b_h)`, `y_t = act_out(h_t W_hy^T + b_y)`.
/// Shapes: `weight_ih [H, I]`, `weight_yh [H, O]`, `bias_h [H]`, `weight_hy [O, H]`, `bias_y [O]`;
/// the state and each output step are `y [B, O]`. PyTorch has no Jordan network; the names follow
/// the same pattern.
public final class JordanCell: RecurrentCell {
    public let weightIH: Tensor, weightYH: Tensor, weightHY: Tensor
    public let biasH: Tensor?, biasY: Tensor?
    public let inputSize: Int, hiddenSize: Int, outputSize: Int
    public let activation: RecurrentActivation, outputActivation: RecurrentActivation

    /// `outputSize` defaults to `hiddenSize`.
    public init(inputSize: Int, hiddenSize: Int, outputSize: Int? = nil, bias: Bool = true,
                activation: RecurrentActivation = .tanh, outputActivation: RecurrentActivation = .tanh,
                generator: inout SeededGenerator) {
        let o = outputSize ?? hiddenSize
        precondition(inputSize > 0 && hiddenSize > 0 && o > 0, "JordanCell needs positive sizes")
        self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.outputSize = o
        self.activation = activation; self.outputActivation = outputActivation
        weightIH = recurrentParameter([hiddenSize, inputSize], hiddenSize: hiddenSize, generator: &generator)
        weightYH = recurrentParameter([hiddenSize, o], hiddenSize: hiddenSize, generator: &generator)
        biasH = bias ? recurrentParameter([hiddenSize], hiddenSize: hiddenSize, generator: &generator) : nil
        weightHY = recurrentParameter([o, hiddenSize], hiddenSize: hiddenSize, generator: &generator)
        biasY = bias ? recurrentParameter([o], hiddenSize: hiddenSize, generator: &generator) : nil
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        var p = [(name: "weight_ih", tensor: weightIH), (name: "weight_yh", tensor: weightYH)]
        if let biasH { p.append((name: "bias_h", tensor: biasH)) }
        p.append((name: "weight_hy", tensor: weightHY))
        if let biasY { p.append((name: "bias_y", tensor: biasY)) }
        return p
    }

    public func zeroState(batchSize: Int) -> Tensor { Tensor(zeros: [batchSize, outputSize]) }

    public func sequence(_ input: SequenceInput, state: Tensor, lengths: [Int]?) -> (output: Tensor, state: Tensor) {
        let r = jordanSequence(input, y0: state, weightIH: weightIH, weightYH: weightYH, biasH: biasH, weightHY: weightHY,
                               biasY: biasY, activation: activation, outputActivation: outputActivation, lengths: lengths)
        return (r.output, r.y)
    }
}
