/// An LSTM cell as `torch.nn.LSTMCell`, gates stacked i, f, g, o:
/// `[i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh`; `c' = σ(f) c + σ(i) tanh(g)`; `h' = σ(o) tanh(c')`.
/// Shapes: `weight_ih [4H, I]`, `weight_hh [4H, H]`, `bias_ih`, `bias_hh [4H]`.
/// The gate, candidate and cell-output activations can be changed (`activations`), e.g. to
/// reproduce textbook examples with identity candidates.
public final class LSTMCell: RecurrentCell {
    public let weightIH: Tensor, weightHH: Tensor
    public let biasIH: Tensor?, biasHH: Tensor?
    public let inputSize: Int, hiddenSize: Int
    public let activations: LSTMActivations

    /// `forgetBias`, when given, sets the forget gate's total bias (`bias_ih` part to it, `bias_hh` part to 0).
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, activations: LSTMActivations = .standard,
                forgetBias: Float? = nil, generator: inout SeededGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0, "LSTMCell needs positive sizes")
        self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.activations = activations
        (weightIH, weightHH, biasIH, biasHH) = makeGateWeights(gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
        if let forgetBias, let biasIH, let biasHH {
            for j in hiddenSize..<(2 * hiddenSize) { biasIH.data[j] = forgetBias; biasHH.data[j] = 0 }
        }
    }

    public var outputSize: Int { hiddenSize }

    public var parameters: [(name: String, tensor: Tensor)] { gateParameters(weightIH, weightHH, biasIH, biasHH) }

    public func zeroState(batchSize: Int) -> LSTMState {
        LSTMState(h: Tensor(zeros: [batchSize, hiddenSize]), c: Tensor(zeros: [batchSize, hiddenSize]))
    }

    public func sequence(_ input: SequenceInput, state: LSTMState, lengths: [Int]?) -> (output: Tensor, state: LSTMState) {
        let r = lstmSequence(input, h0: state.h, c0: state.c, weightIH: weightIH, weightHH: weightHH,
                             biasIH: biasIH, biasHH: biasHH, lengths: lengths, activations: activations)
        return (r.output, LSTMState(h: r.h, c: r.c))
    }
}
