import Dispatch
import Kernels
import LanguageModeling
import NN

/// The character model of the recurrent-layers issue, as `glimpse lm train` and `glimpse lm sample`
/// run it (`LanguageModel`): embedding 64, a 2-layer LSTM or GRU of 256 units, a linear read-out
/// over 65 symbols, no dropout.
private func characterModel(cell: String, vocabulary: Int) -> LanguageModel {
    precondition(cell == "lstm" || cell == "gru", "glimpse-bench: --cell takes lstm or gru, not \(cell)")
    let configuration = LMConfiguration(level: .character, cell: cell == "lstm" ? .lstm : .gru, layers: 2, hidden: 256,
                                        embedding: 64, dropout: 0, vocabularySize: vocabulary)
    return LanguageModel(configuration, seed: 7)
}

/// Training tokens/s (Adam, clip 5) for LSTM and GRU character models at sequence 64, batch 32,
/// and sampling characters/s at batch 1 (either alone with `train: false` or `sample: false`), for
/// the cells named in `cells`.
func benchmarkRecurrent(_ report: Report, cells: [String], train: Bool = true, sample: Bool = true) {
    let steps = 64, batch = 32, vocabulary = 65
    for cell in cells {
        let model = characterModel(cell: cell, vocabulary: vocabulary)
        if train { benchmarkTraining(model, cell: cell, steps: steps, batch: batch, report) }
        if sample { benchmarkSampling(model, cell: cell, report) }
    }
}

/// One training step as `LMTrainer` takes it (from zero states, as the PyTorch script does).
private func benchmarkTraining(_ model: LanguageModel, cell: String, steps: Int, batch: Int, _ report: Report) {
    let store = model.makeParameterStore()
    let adam = Adam(ParameterRange(store: store), learningRate: 2e-3)
    var g = SeededGenerator(seed: 7)
    let vocabulary = UInt64(model.configuration.vocabularySize)
    let tokens = (0..<(steps * batch)).map { _ in Int32(g.next() % vocabulary) }
    let targets = (0..<(steps * batch)).map { _ in Int32(g.next() % vocabulary) }
    let states = model.zeroStates(batch: batch)
    model.train()
    let seconds = secondsPerCall(minimumTime: 3) {
        store.zeroGradients()
        let loss = crossEntropy(logits: model(tokens, steps: steps, batch: batch, states: states).logits, targets: targets)
        loss.backward()
        clipGradientNorm(ParameterRange(store: store), maxNorm: 5)
        adam.step()
    }
    report.add("char_\(cell)_train_h256_l2_t64_b32", "tokens_per_second", Double(steps * batch) / seconds, "tokens/s")
}

/// 1,000 characters drawn as `glimpse lm sample` draws them (`LMSampler`), without the process
/// start and the printing.
private func benchmarkSampling(_ model: LanguageModel, cell: String, _ report: Report) {
    // A vocabulary of `<unk>` and 64 single characters, "\n" among them (the start token).
    let symbols = ["\n"] + (0..<63).map { String(UnicodeScalar(UInt8(33 + $0))) }
    let sampler = LMSampler(model: model, vocabulary: LMVocabulary(level: .character, tokens: [LMVocabulary.unknown] + symbols))
    var options = SamplingOptions()
    options.length = 1000; options.seed = 1
    let seconds = secondsPerCall(minimumTime: 1) { sampler.generate(options) }
    report.add("char_\(cell)_sample_h256_l2_b1", "characters_per_second", Double(options.length) / seconds, "chars/s")
}
