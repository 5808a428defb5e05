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

    /// Logits `[T * B, V]` for time-major token ids `[T, B]` (the first layer reading the tokens
    /// through the embedding table, as `LanguageModel` does without input dropout).
    func logits(_ tokens: [Int32], steps: Int, batch: Int) -> Tensor {
        let table = embedding.weight
        let out = lstm.map { $0(tokens: tokens, steps: steps, batch: batch, embedding: table).output }
            ?? gru!(tokens: tokens, steps: steps, batch: batch, embedding: table).output
        return fc(out.reshaped([steps * batch, -1]))
    }
}

/// Training tokens/s (Adam, clip 5) for LSTM and GRU character models at sequence 64, batch 32,
/// and sampling characters/s at batch 1 (either alone with `train: false` or `sample: false`), for
/// the cells named in `cells`.
func benchmarkRecurrent(_ report: Report, cells: [String], train: Bool = true, sample: Bool = true) {
    let steps = 64, batch = 32, vocabulary = 65
    for cell in cells {
        precondition(cell == "lstm" || cell == "gru", "glimpse-bench: --cell takes lstm or gru, not \(cell)")
        var g = SeededGenerator(seed: 7)
        let model = CharacterModel(cell: cell, generator: &g)
        if train { benchmarkTraining(model, cell: cell, steps: steps, batch: batch, vocabulary: vocabulary, generator: &g, report) }
        if sample { benchmarkSampling(model, cell: cell, vocabulary: vocabulary, report) }
    }
}

private func benchmarkTraining(_ model: CharacterModel, cell: String, steps: Int, batch: Int, vocabulary: Int,
                               generator g: inout SeededGenerator, _ report: Report) {
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
}

private func benchmarkSampling(_ model: CharacterModel, cell: String, vocabulary: Int, _ report: Report) {
    let characters = 1000
    let stepper = model.lstm.map { RecurrentStepper($0) } ?? RecurrentStepper(model.gru!)
    let table = stepper.inputGateTable(for: model.embedding.weight)
    let gateWidth = table.count / vocabulary
    var logits = [Float](repeating: 0, count: vocabulary)
    let sampleSeconds = secondsPerCall(minimumTime: 1) {
        var sampler = SeededGenerator(seed: 1)
        var token = 0
        stepper.reset()
        var emitted = 0
        table.withUnsafeBufferPointer { gates in
            logits.withUnsafeMutableBufferPointer { out in
                // As LMSampler: each read-out runs while the next step's hidden products are made.
                stepper.generate(firstLayerInputGates: gates.baseAddress! + token * gateWidth, readOutRows: vocabulary) { h in
                    out.baseAddress!.update(from: model.fc.bias!.data, count: vocabulary)
                    rowDots(model.fc.weight.data, ld: 256, k: 256, x: h, rows: 0..<vocabulary, into: out.baseAddress!, accumulate: true)
                    token = sampleIndex(out, generator: &sampler)
                    emitted += 1
                    return emitted < characters ? gates.baseAddress! + token * gateWidth : nil
                }
            }
        }
    }
    report.add("char_\(cell)_sample_h256_l2_b1", "characters_per_second", Double(characters) / sampleSeconds, "chars/s")
}

/// Draws an index from softmax(logits) (max-subtracted), in place of a graph op.
func sampleIndex(_ logits: UnsafeMutableBufferPointer<Float>, generator: inout SeededGenerator) -> Int {
    var m = -Float.infinity
    for v in logits { m = max(m, v) }
    var total: Float = 0
    for i in logits.indices { logits[i] = fastExp(logits[i] - m); total += logits[i] }
    var u = generator.nextUniform() * total
    for i in logits.indices {
        u -= logits[i]
        if u < 0 { return i }
    }
    return logits.count - 1
}
