import Dispatch
import Kernels
import NN

/// A character model as the recurrent-layers issue sets it: embedding 64, a 2-layer recurrent
/// stack of 256 units, a linear read-out over 65 symbols.
final class CharacterModel: Layer {
    let embedding: Embedding
    let lstm: LSTM?
    let gru: GRU?
    let fc: Linear

    init(cell: String, vocabulary: Int = 65, embeddingSize: Int = 64, hidden: Int = 256, layers: Int = 2, generator: inout SeededGenerator) {
        embedding = Embedding(count: vocabulary, dimension: embeddingSize, generator: &generator)
        if cell == "lstm" {
            lstm = LSTM(inputSize: embeddingSize, hiddenSize: hidden, layers: layers, generator: &generator); gru = nil
        } else {
            gru = GRU(inputSize: embeddingSize, hiddenSize: hidden, layers: layers, generator: &generator); lstm = nil
        }
        fc = Linear(inputSize: hidden, outputSize: vocabulary, generator: &generator)
    }

    var sublayers: [(name: String, layer: any Layer)] {
        [(name: "embedding", layer: embedding), (name: "rnn", layer: (lstm as (any Layer)?) ?? gru!), (name: "fc", layer: fc)]
    }

    /// Logits `[T * B, V]` for time-major token ids `[T, B]`.
    func logits(_ tokens: [Int32], steps: Int, batch: Int) -> Tensor {
        let x = embedding(tokens, shape: [steps, batch])
        let out = lstm.map { $0(x).output } ?? gru!(x).output
        return fc(out.reshaped([steps * batch, -1]))
    }
}

/// Training tokens/s (Adam, clip 5) for LSTM and GRU character models at sequence 64, batch 32,
/// and sampling characters/s at batch 1.
func benchmarkRecurrent(_ report: Report) {
    let steps = 64, batch = 32, vocabulary = 65
    for cell in ["lstm", "gru"] {
        var g = SeededGenerator(seed: 7)
        let model = CharacterModel(cell: cell, generator: &g)
        let store = model.makeParameterStore()
        let adam = Adam(ParameterRange(store: store), learningRate: 2e-3)
        let tokens = (0..<(steps * batch)).map { _ in Int32(g.next() % UInt64(vocabulary)) }
        let targets = (0..<(steps * batch)).map { _ in Int32(g.next() % UInt64(vocabulary)) }
        let seconds = secondsPerCall(minimumTime: 3) {
            store.zeroGradients()
            let loss = crossEntropy(logits: model.logits(tokens, steps: steps, batch: batch), targets: targets)
            loss.backward()
            clipGradientNorm(ParameterRange(store: store), maxNorm: 5)
            adam.step()
        }
        report.add("char_\(cell)_train_h256_l2_t64_b32", "tokens_per_second", Double(steps * batch) / seconds, "tokens/s")

        let characters = 200
        let sampleSeconds = secondsPerCall(minimumTime: 1) {
            var sampler = SeededGenerator(seed: 1)
            var token: Int32 = 0
            withoutGradient {
                var lstmStates: [LSTMState] = model.lstm?.zeroStates(batchSize: 1) ?? []
                var gruStates: [Tensor] = model.gru?.zeroStates(batchSize: 1) ?? []
                for _ in 0..<characters {
                    let x = model.embedding([token], shape: [1, 1])
                    let out: Tensor
                    if let lstm = model.lstm {
                        let r = lstm(x, states: lstmStates); out = r.output; lstmStates = r.states
                    } else {
                        let r = model.gru!(x, states: gruStates); out = r.output; gruStates = r.states
                    }
                    let probabilities = model.fc(out.reshaped([1, -1])).softmax().values
                    var u = sampler.nextUniform(), next = 0
                    while next < vocabulary - 1 && u >= probabilities[next] { u -= probabilities[next]; next += 1 }
                    token = Int32(next)
                }
            }
        }
        report.add("char_\(cell)_sample_h256_l2_b1", "characters_per_second", Double(characters) / sampleSeconds, "chars/s")
    }
}
