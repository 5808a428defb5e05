/// A GRU cell as `torch.nn.GRUCell`, gates stacked r, z, n:
/// `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
/// `n = tanh(W_in x + b_in + r (W_hn h + b_hn))`, `h' = (1 - z) n + z h`.
/// Shapes: `weight_ih [3H, I]`, `weight_hh [3H, H]`, `bias_ih`, `bias_hh [3H]`.
public final class GRUCell: RecurrentCell {
    public let weightIH: Tensor, weightHH: Tensor
    public let biasIH: Tensor?, biasHH: Tensor?
    public let inputSize: Int, hiddenSize: Int

    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, generator: inout SeededGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0, "GRUCell needs positive sizes")
        self.inputSize = inputSize; self.hiddenSize = hiddenSize
        (weightIH, weightHH, biasIH, biasHH) = makeGateWeights(gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
    }

    public var outputSize: Int { hiddenSize }

    public var parameters: [(name: String, tensor: Tensor)] { gateParameters(weightIH, weightHH, biasIH, biasHH) }

    public func zeroState(batchSize: Int) -> Tensor { Tensor(zeros: [batchSize, hiddenSize]) }

    public func sequence(_ input: SequenceInput, state: Tensor, lengths: [Int]?) -> (output: Tensor, state: Tensor) {
        let r = gruSequence(input, h0: state, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH, lengths: lengths)
        return (r.output, r.h)
    }
}
