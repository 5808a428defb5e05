@_exported import enum Kernels.RecurrentActivation
@_exported import struct Kernels.LSTMActivations

/// What a recurrent cell carries from step to step.
public protocol RecurrentState {
    /// The same values cut off from the graph: truncated BPTT carries state across chunks
    /// without carrying gradient.
    func detached() -> Self
}

extension Tensor: RecurrentState {}

/// An LSTM's state: hidden `h` and cell `c`, each `[B, H]`.
public struct LSTMState: RecurrentState {
    public var h: Tensor
    public var c: Tensor
    public init(h: Tensor, c: Tensor) { self.h = h; self.c = c }
    public func detached() -> LSTMState { LSTMState(h: h.detached(), c: c.detached()) }
}

/// A recurrent cell: one fused gate weight, an associated `State`, a single step and a whole
/// time-major sequence as one fused op. Parameters carry `torch.nn.*Cell` names (`weight_ih`,
/// `weight_hh`, `bias_ih`, `bias_hh`); `RecurrentLayer` adds the `_l{k}` / `_reverse` suffixes of
/// `torch.nn.RNN/GRU/LSTM`.
public protocol RecurrentCell: Layer {
    associatedtype State: RecurrentState
    /// Features of each input step.
    var inputSize: Int { get }
    /// Features of each output step.
    var outputSize: Int { get }
    /// The all-zero state for `batchSize` rows.
    func zeroState(batchSize: Int) -> State
    /// Runs `input` (`[T, B, inputSize]`, or tokens through an embedding of `inputSize` features)
    /// from `state`; row b stops after `lengths[b]` steps (its state carried, its outputs 0).
    /// Returns `output [T, B, outputSize]` and the final state.
    func sequence(_ input: SequenceInput, state: State, lengths: [Int]?) -> (output: Tensor, state: State)
}

extension RecurrentCell {
    /// Runs a time-major sequence `input [T, B, inputSize]` (see `sequence(_: SequenceInput, ...)`).
    public func sequence(_ input: Tensor, state: State, lengths: [Int]?) -> (output: Tensor, state: State) {
        sequence(SequenceInput(input), state: state, lengths: lengths)
    }

    /// One step: `input [B, inputSize]` and a state give `output [B, outputSize]` and the next state.
    public func callAsFunction(_ input: Tensor, state: State) -> (output: Tensor, state: State) {
        precondition(input.rank == 2, "a recurrent cell step takes input [B, \(inputSize)], not \(input.shape)")
        let (output, next) = sequence(input.reshaped([1] + input.shape), state: state, lengths: nil)
        return (output.reshaped([input.shape[0], outputSize]), next)
    }
}

/// PyTorch's initialisation of recurrent weights: every parameter U(-1/sqrt(H), 1/sqrt(H)).
func recurrentParameter(_ shape: [Int], hiddenSize: Int, generator: inout SeededGenerator) -> Tensor {
    let bound = 1 / Float(hiddenSize).squareRoot()
    return Tensor.uniform(shape, low: -bound, high: bound, generator: &generator, requiresGrad: true)
}

/// A fused gate weight as `torch.nn.RNN/GRU/LSTM` lay it out and initialise it: `weight_ih [G*H, I]`,
/// `weight_hh [G*H, H]`, `bias_ih`, `bias_hh [G*H]` (nil without bias), G gates stacked by rows.
func makeGateWeights(gates: Int, inputSize: Int, hiddenSize: Int, bias: Bool, generator: inout SeededGenerator)
    -> (weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?) {
    let rows = gates * hiddenSize
    let wih = recurrentParameter([rows, inputSize], hiddenSize: hiddenSize, generator: &generator)
    let whh = recurrentParameter([rows, hiddenSize], hiddenSize: hiddenSize, generator: &generator)
    let bih = bias ? recurrentParameter([rows], hiddenSize: hiddenSize, generator: &generator) : nil
    let bhh = bias ? recurrentParameter([rows], hiddenSize: hiddenSize, generator: &generator) : nil
    return (wih, whh, bih, bhh)
}

/// The PyTorch names of a fused gate weight's tensors: `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`.
func gateParameters(_ weightIH: Tensor, _ weightHH: Tensor, _ biasIH: Tensor?, _ biasHH: Tensor?) -> [(name: String, tensor: Tensor)] {
    var p = [(name: "weight_ih", tensor: weightIH), (name: "weight_hh", tensor: weightHH)]
    if let biasIH { p.append((name: "bias_ih", tensor: biasIH)) }
    if let biasHH { p.append((name: "bias_hh", tensor: biasHH)) }
    return p
}
