import NN

/// The recurrent cell a language model uses.
public enum CellKind: String, Codable, Sendable, CaseIterable {
    case rnn, jordan, gru, lstm
}

/// The architecture of a language model, saved as `config.json` in its folder.
public struct LMConfiguration: Codable, Equatable, Sendable {
    public var kind = "language-model"
    public var level: TokenLevel
    public var cell: CellKind
    public var layers: Int
    public var hidden: Int
    public var embedding: Int
    public var dropout: Float
    public var vocabularySize: Int

    /// Checks the sizes (a hand-edited or corrupt `config.json`); `path` names it in the error.
    public func validate(path: String) throws {
        guard layers >= 1, hidden >= 1, embedding >= 1, vocabularySize >= 2 else {
            throw ModelFolderError(path: path, reason: "has a size that is not positive (or a vocabulary below 2)")
        }
        guard (0..<1).contains(dropout) else { throw ModelFolderError(path: path, reason: "has dropout \(dropout), not in [0, 1)") }
    }

    public init(level: TokenLevel, cell: CellKind, layers: Int, hidden: Int, embedding: Int, dropout: Float, vocabularySize: Int) {
        self.level = level; self.cell = cell; self.layers = layers; self.hidden = hidden
        self.embedding = embedding; self.dropout = dropout; self.vocabularySize = vocabularySize
    }
}

/// Hidden states of a recurrent stack, one per layer.
public enum StackStates {
    case plain([Tensor])
    case lstm([LSTMState])

    /// The same values cut off from the graph (truncated BPTT).
    public func detached() -> StackStates {
        switch self {
        case .plain(let s): return .plain(s.map { $0.detached() })
        case .lstm(let s): return .lstm(s.map { $0.detached() })
        }
    }

    /// Every state tensor (h, then c for an LSTM, per layer), for checkpoints.
    public var tensors: [Tensor] {
        switch self {
        case .plain(let s): return s
        case .lstm(let s): return s.flatMap { [$0.h, $0.c] }
        }
    }
}

/// A word- or character-level language model: `embedding -> dropout -> recurrent stack -> dropout
/// -> fc`, logits over the vocabulary at every step. Parameter names follow PyTorch
/// (`embedding.weight`, `rnn.weight_ih_l0`, ..., `fc.weight`, `fc.bias`).
public final class LanguageModel: Layer {
    public let configuration: LMConfiguration
    public let embedding: Embedding
    public let lstm: LSTM?, gru: GRU?, elman: ElmanRNN?, jordan: JordanRNN?
    public let inputDropout: Dropout, outputDropout: Dropout
    public let fc: Linear

    public init(_ c: LMConfiguration, seed: UInt64) {
        precondition(c.layers >= 1 && c.hidden >= 1 && c.embedding >= 1 && c.vocabularySize >= 1, "a language model needs positive sizes")
        configuration = c
        var g = SeededGenerator(seed: seed)
        embedding = Embedding(count: c.vocabularySize, dimension: c.embedding, generator: &g)
        let between = c.layers > 1 ? c.dropout : 0
        lstm = c.cell == .lstm ? LSTM(inputSize: c.embedding, hiddenSize: c.hidden, layers: c.layers, dropout: between, generator: &g) : nil
        gru = c.cell == .gru ? GRU(inputSize: c.embedding, hiddenSize: c.hidden, layers: c.layers, dropout: between, generator: &g) : nil
        elman = c.cell == .rnn ? ElmanRNN(inputSize: c.embedding, hiddenSize: c.hidden, layers: c.layers, dropout: between, generator: &g) : nil
        jordan = c.cell == .jordan ? JordanRNN(inputSize: c.embedding, hiddenSize: c.hidden, layers: c.layers, dropout: between, generator: &g) : nil
        inputDropout = Dropout(probability: c.dropout, seed: seed &+ 1)
        outputDropout = Dropout(probability: c.dropout, seed: seed &+ 2)
        fc = Linear(inputSize: c.hidden, outputSize: c.vocabularySize, generator: &g)
        [lstm?.dropout, gru?.dropout, elman?.dropout, jordan?.dropout].compactMap { $0 }.forEach { $0.generator = SeededGenerator(seed: seed &+ 3) }
    }

    /// The recurrent stack as a layer.
    public var recurrent: any Layer { (lstm as (any Layer)?) ?? (gru as (any Layer)?) ?? (elman as (any Layer)?) ?? jordan! }

    public var sublayers: [(name: String, layer: any Layer)] {
        [(name: "embedding", layer: embedding), (name: "rnn", layer: recurrent), (name: "fc", layer: fc),
         (name: "input_dropout", layer: inputDropout), (name: "output_dropout", layer: outputDropout)]
    }

    /// Sets every weight to U(-range, range) (Zaremba et al.'s initialisation).
    public func initializeUniform(range: Float, seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for (_, t) in namedParameters() { Initialization.uniform(t, range: range, generator: &g) }
    }

    /// Zero states for `batch` streams.
    public func zeroStates(batch: Int) -> StackStates {
        if let lstm { return .lstm(lstm.zeroStates(batchSize: batch)) }
        if let gru { return .plain(gru.zeroStates(batchSize: batch)) }
        if let elman { return .plain(elman.zeroStates(batchSize: batch)) }
        return .plain(jordan!.zeroStates(batchSize: batch))
    }

    /// Runs time-major token ids `[T * B]` from `states`: the top layer's outputs `[T, B, H]` and the
    /// states after the last step. Without input dropout (evaluation, or dropout 0), and when the
    /// vocabulary has fewer entries than the tokens read, the first layer reads the tokens through
    /// the embedding table directly (`SequenceInput`): the same values, fewer multiplications.
    public func hiddenStates(_ tokens: [Int32], steps: Int, batch: Int, states: StackStates) -> (output: Tensor, states: StackStates) {
        let throughTable = inputDropout.isIdentity && configuration.vocabularySize < steps * batch
        let x = throughTable ? nil : inputDropout(embedding(tokens, shape: [steps, batch]))
        func run<Cell>(_ layer: RecurrentLayer<Cell>, _ s: [Cell.State]) -> (output: Tensor, states: [Cell.State]) {
            if let x { return layer(x, states: s) }
            return layer(tokens: tokens, steps: steps, batch: batch, embedding: embedding.weight, states: s)
        }
        switch (states, configuration.cell) {
        case (.lstm(let s), .lstm):
            let r = run(lstm!, s); return (r.output, .lstm(r.states))
        case (.plain(let s), .gru):
            let r = run(gru!, s); return (r.output, .plain(r.states))
        case (.plain(let s), .rnn):
            let r = run(elman!, s); return (r.output, .plain(r.states))
        case (.plain(let s), .jordan):
            let r = run(jordan!, s); return (r.output, .plain(r.states))
        default:
            preconditionFailure("states do not match a \(configuration.cell) model")
        }
    }

    /// Logits `[T * B, V]` for time-major token ids `[T * B]`, and the states after the last step.
    public func callAsFunction(_ tokens: [Int32], steps: Int, batch: Int, states: StackStates) -> (logits: Tensor, states: StackStates) {
        let (output, next) = hiddenStates(tokens, steps: steps, batch: batch, states: states)
        let logits = fc(outputDropout(output).reshaped([steps * batch, configuration.hidden]))
        return (logits, next)
    }
}
