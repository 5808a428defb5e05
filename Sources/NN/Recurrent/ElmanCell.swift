/// An Elman RNN cell as `torch.nn.RNNCell`: `h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)`,
/// act tanh (default), relu or identity. Shapes: `weight_ih [H, I]`, `weight_hh [H, H]`, biases `[H]`.
public final class ElmanCell: RecurrentCell {
    public let weightIH: Tensor, weightHH: Tensor
    public let biasIH: Tensor?, biasHH: Tensor?
    public let inputSize: Int, hiddenSize: Int
    public let activation: RecurrentActivation

    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, activation: RecurrentActivation = .tanh,
                generator: inout SeededGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0, "ElmanCell needs positive sizes")
        precondition(activation != .sigmoid, "an Elman cell's activation is tanh, relu or identity")
        self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.activation = activation
        (weightIH, weightHH, biasIH, biasHH) = makeGateWeights(gates: 1, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
    }

    public var outputSize: Int { hiddenSize }

    public var parameters: [(name: String, tensor: Tensor)] { gateParameters(weightIH, weightHH, biasIH, biasHH) }

    public func zeroState(batchSize: Int) -> Tensor { Tensor(zeros: [batchSize, hiddenSize]) }

    public func sequence(_ input: SequenceInput, state: Tensor, lengths: [Int]?) -> (output: Tensor, state: Tensor) {
        let r = elmanSequence(input, h0: state, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH,
                              activation: activation, lengths: lengths)
        return (r.output, r.h)
    }
}
