/// Runs any recurrent cell over sequences: stacked layers with dropout between them, one or two
/// directions, variable lengths, batch-first or time-major, as `torch.nn.RNN/GRU/LSTM`.
///
/// Input `[T, B, I]` (`[B, T, I]` when `batchFirst`); output `[T, B, D * O]` with D = 2 when
/// bidirectional (forward and backward outputs concatenated on the feature axis, as PyTorch).
/// States are listed layer by layer, forward before backward (PyTorch's `h_n` order). With
/// `lengths`, row b has `lengths[b]` real steps: the backward direction starts at its own last
/// real step, outputs beyond are 0, and final states are those after the last real step
/// (`pack_padded_sequence` semantics). Parameters are named `weight_ih_l{k}`, `..._reverse`.
public final class RecurrentLayer<Cell: RecurrentCell>: Layer {
    /// `cells[layer][direction]`.
    public let cells: [[Cell]]
    public let batchFirst: Bool
    public let dropout: Dropout?

    /// Builds `layers` x (1 or 2) cells with `makeCell(inputSize, generator)`; layer k > 0 takes the
    /// previous layer's `D * outputSize` features.
    public init(inputSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Float = 0, batchFirst: Bool = false,
                dropoutSeed: UInt64 = 0, generator: inout SeededGenerator,
                makeCell: (_ inputSize: Int, _ generator: inout SeededGenerator) -> Cell) {
        precondition(layers >= 1, "a recurrent layer needs at least one layer")
        var cells: [[Cell]] = []
        var size = inputSize
        for _ in 0..<layers {
            var directions: [Cell] = []
            for _ in 0..<(bidirectional ? 2 : 1) { directions.append(makeCell(size, &generator)) }
            size = directions[0].outputSize * directions.count
            cells.append(directions)
        }
        self.cells = cells
        self.batchFirst = batchFirst
        self.dropout = dropout > 0 && layers > 1 ? Dropout(probability: dropout, seed: dropoutSeed) : nil
    }

    public var directionCount: Int { cells[0].count }
    public var layerCount: Int { cells.count }

    public var parameters: [(name: String, tensor: Tensor)] {
        var result: [(name: String, tensor: Tensor)] = []
        for (k, directions) in cells.enumerated() {
            for (d, cell) in directions.enumerated() {
                let suffix = "_l\(k)" + (d == 1 ? "_reverse" : "")
                result += cell.parameters.map { (name: $0.name + suffix, tensor: $0.tensor) }
            }
        }
        return result
    }

    public func setTraining(_ training: Bool) { dropout?.setTraining(training) }

    /// Zero states for every layer and direction.
    public func zeroStates(batchSize: Int) -> [Cell.State] {
        cells.flatMap { $0.map { $0.zeroState(batchSize: batchSize) } }
    }

    /// Runs the stack. `states` defaults to zeros; `lengths` to full length.
    public func callAsFunction(_ input: Tensor, states: [Cell.State]? = nil, lengths: [Int]? = nil) -> (output: Tensor, states: [Cell.State]) {
        precondition(input.rank == 3, "a recurrent layer takes a sequence [T, B, I] (or [B, T, I] batch-first), not \(input.shape)")
        let x = batchFirst ? input.transposed(0, 1) : input
        precondition(x.shape[2] == cells[0][0].inputSize, "recurrent layer expects \(cells[0][0].inputSize) input features, got \(x.shape[2])")
        let r = run(first: SequenceInput(x), reversedFirst: { SequenceInput(reversePadded(x, lengths: lengths)) }, states: states, lengths: lengths)
        return (batchFirst ? r.output.transposed(0, 1) : r.output, r.states)
    }

    /// Runs the stack on token ids (`[T * B]`, time-major) read through `embedding [V, inputSize]`:
    /// the same as running it on `embedding[tokens]`, but the first layer's input products are
    /// made for the V table rows instead of the T * B looked-up rows (see `SequenceInput`; worth it
    /// when V < T * B).
    /// The output is time-major `[T, B, D * O]` whatever `batchFirst` says.
    public func callAsFunction(tokens: [Int32], steps: Int, batch: Int, embedding: Tensor, states: [Cell.State]? = nil,
                               lengths: [Int]? = nil) -> (output: Tensor, states: [Cell.State]) {
        precondition(embedding.rank == 2 && embedding.shape[1] == cells[0][0].inputSize,
                     "recurrent layer expects \(cells[0][0].inputSize) input features, the embedding has shape \(embedding.shape)")
        if let lengths {
            precondition(lengths.count == batch, "\(lengths.count) lengths for a batch of \(batch)")
            for l in lengths { precondition(l >= 0 && l <= steps, "sequence length \(l) is outside 0...\(steps)") }
        }
        let first = SequenceInput(tokens: tokens, steps: steps, batch: batch, embedding: embedding)
        return run(first: first, reversedFirst: {
            SequenceInput(tokens: reversedTokens(tokens, steps: steps, batch: batch, lengths: lengths), steps: steps, batch: batch, embedding: embedding)
        }, states: states, lengths: lengths)
    }

    /// The stack over time-major input: layer 0 reads `first` (`reversedFirst()` in the backward
    /// direction), later layers the outputs below them (after dropout).
    private func run(first: SequenceInput, reversedFirst: () -> SequenceInput, states: [Cell.State]?, lengths: [Int]?)
        -> (output: Tensor, states: [Cell.State]) {
        let batch = first.batch
        let initial = states ?? zeroStates(batchSize: batch)
        precondition(initial.count == layerCount * directionCount, "expected \(layerCount * directionCount) initial states, got \(initial.count)")
        var finals: [Cell.State] = []
        var x: Tensor?
        for (k, directions) in cells.enumerated() {
            if k > 0, let dropout, let below = x { x = dropout(below) }
            var outputs: [Tensor] = []
            for (d, cell) in directions.enumerated() {
                let state = initial[k * directionCount + d]
                if d == 0 {
                    let r = cell.sequence(x.map { SequenceInput($0) } ?? first, state: state, lengths: lengths)
                    outputs.append(r.output); finals.append(r.state)
                } else {
                    let reversed = x.map { SequenceInput(reversePadded($0, lengths: lengths)) } ?? reversedFirst()
                    let r = cell.sequence(reversed, state: state, lengths: lengths)
                    outputs.append(reversePadded(r.output, lengths: lengths)); finals.append(r.state)
                }
            }
            x = outputs.count == 1 ? outputs[0] : Tensor.concat(outputs, axis: 2)
        }
        return (x!, finals)
    }
}

/// Token ids `[T * B]` (time-major) with each row's first `lengths[b]` steps reversed (all steps
/// without lengths), as `reversePadded` turns a feature sequence; padding positions keep their ids.
func reversedTokens(_ tokens: [Int32], steps: Int, batch: Int, lengths: [Int]?) -> [Int32] {
    var out = tokens
    for b in 0..<batch {
        let length = lengths?[b] ?? steps
        for s in 0..<length { out[s * batch + b] = tokens[(length - 1 - s) * batch + b] }
    }
    return out
}

/// Stacked LSTM (`torch.nn.LSTM`).
public typealias LSTM = RecurrentLayer<LSTMCell>
/// Stacked GRU (`torch.nn.GRU`).
public typealias GRU = RecurrentLayer<GRUCell>
/// Stacked Elman RNN (`torch.nn.RNN`).
public typealias ElmanRNN = RecurrentLayer<ElmanCell>
/// Stacked Jordan RNN.
public typealias JordanRNN = RecurrentLayer<JordanCell>

extension RecurrentLayer where Cell == LSTMCell {
    /// `torch.nn.LSTM(inputSize, hiddenSize, num_layers: layers, bidirectional:, dropout:, batch_first:)`.
    public convenience init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Float = 0,
                            batchFirst: Bool = false, activations: LSTMActivations = .standard, forgetBias: Float? = nil,
                            generator: inout SeededGenerator) {
        self.init(inputSize: inputSize, layers: layers, bidirectional: bidirectional, dropout: dropout, batchFirst: batchFirst,
                  generator: &generator) { size, g in
            LSTMCell(inputSize: size, hiddenSize: hiddenSize, activations: activations, forgetBias: forgetBias, generator: &g)
        }
    }
}

extension RecurrentLayer where Cell == GRUCell {
    /// `torch.nn.GRU(inputSize, hiddenSize, num_layers: layers, bidirectional:, dropout:, batch_first:)`.
    public convenience init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Float = 0,
                            batchFirst: Bool = false, generator: inout SeededGenerator) {
        self.init(inputSize: inputSize, layers: layers, bidirectional: bidirectional, dropout: dropout, batchFirst: batchFirst,
                  generator: &generator) { size, g in GRUCell(inputSize: size, hiddenSize: hiddenSize, generator: &g) }
    }
}

extension RecurrentLayer where Cell == ElmanCell {
    /// `torch.nn.RNN(inputSize, hiddenSize, num_layers: layers, nonlinearity: activation, ...)`.
    public convenience init(inputSize: Int, hiddenSize: Int, layers: Int = 1, activation: RecurrentActivation = .tanh,
                            bias: Bool = true, bidirectional: Bool = false, dropout: Float = 0, batchFirst: Bool = false,
                            generator: inout SeededGenerator) {
        self.init(inputSize: inputSize, layers: layers, bidirectional: bidirectional, dropout: dropout, batchFirst: batchFirst,
                  generator: &generator) { size, g in
            ElmanCell(inputSize: size, hiddenSize: hiddenSize, bias: bias, activation: activation, generator: &g)
        }
    }
}

extension RecurrentLayer where Cell == JordanCell {
    /// Stacked Jordan networks; each layer's output (and memory) has `hiddenSize` features.
    public convenience init(inputSize: Int, hiddenSize: Int, layers: Int = 1, activation: RecurrentActivation = .tanh,
                            outputActivation: RecurrentActivation = .tanh, bidirectional: Bool = false, dropout: Float = 0,
                            batchFirst: Bool = false, generator: inout SeededGenerator) {
        self.init(inputSize: inputSize, layers: layers, bidirectional: bidirectional, dropout: dropout, batchFirst: batchFirst,
                  generator: &generator) { size, g in
            JordanCell(inputSize: size, hiddenSize: hiddenSize, activation: activation, outputActivation: outputActivation, generator: &g)
        }
    }
}
