import Foundation
import NN

/// Everything a run needs to continue exactly where it stopped: model weights, optimizer state,
/// the carried hidden states, dropout generators, the schedule, and the position in the data.
/// Saved as one safetensors file (tensors under `model.`, `optimizer.`, `state.`; counters in the
/// metadata), written atomically, so a crash leaves the previous checkpoint intact.
struct LMCheckpoint {
    var epoch: Int              // epochs completed
    var nextBatch: Int          // next batch of the current epoch
    var learningRate: Float
    var bestValidation: Float
    var bestEpoch: Int
    var badEpochs: Int
    var seconds: Double
    var epochLossSum: Double
    var epochLossCount: Int
    var plateau: (best: Float, badSteps: Int, cooldownLeft: Int)?

    static func save(_ c: LMCheckpoint, model: LanguageModel, optimizer: Optimizer, states: StackStates, to path: String) throws {
        var tensors: [String: SafetensorsFile.Entry] = [:]
        for (name, entry) in model.stateDict() { tensors["model." + name] = entry }
        for (name, values) in optimizer.state { tensors["optimizer." + name] = SafetensorsFile.Entry(floats: values, shape: [values.count]) }
        for (i, t) in states.tensors.enumerated() { tensors["state.\(i)"] = SafetensorsFile.Entry(floats: t.values, shape: t.shape) }
        var metadata: [String: String] = [
            "epoch": "\(c.epoch)", "next_batch": "\(c.nextBatch)", "learning_rate": "\(c.learningRate)",
            "best_validation": "\(c.bestValidation)", "best_epoch": "\(c.bestEpoch)", "bad_epochs": "\(c.badEpochs)",
            "seconds": "\(c.seconds)", "epoch_loss_sum": "\(c.epochLossSum)", "epoch_loss_count": "\(c.epochLossCount)",
        ]
        for (i, d) in dropouts(model).enumerated() { metadata["dropout_\(i)"] = d.generator.stateText }
        if let p = c.plateau { metadata["plateau"] = "\(p.best),\(p.badSteps),\(p.cooldownLeft)" }
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
    }

    /// Reads a checkpoint into `model`, `optimizer` and returns the counters and states.
    static func load(from path: String, model: LanguageModel, optimizer: Optimizer) throws -> (LMCheckpoint, [Tensor]) {
        let file = try SafetensorsFile(contentsOf: path)
        func number<T: LosslessStringConvertible>(_ key: String, _: T.Type) throws -> T { try file.metadataValue(key, path: path) }
        var modelEntries: [String: SafetensorsFile.Entry] = [:], optimizerState: [String: [Float]] = [:]
        var stateEntries: [(Int, SafetensorsFile.Entry)] = []
        for (name, entry) in file.tensors {
            if name.hasPrefix("model.") { modelEntries[String(name.dropFirst(6))] = entry }
            else if name.hasPrefix("optimizer.") { optimizerState[String(name.dropFirst(10))] = entry.floats ?? [] }
            else if name.hasPrefix("state."), let i = Int(name.dropFirst(6)) { stateEntries.append((i, entry)) }
        }
        try model.loadStateDict(modelEntries, source: path)
        try optimizer.loadState(optimizerState)
        for (i, d) in dropouts(model).enumerated() {
            guard let generator = SeededGenerator(stateText: try number("dropout_\(i)", String.self)) else {
                throw SafetensorsError(path: path, reason: "checkpoint dropout state \(i) is malformed")
            }
            d.generator = generator
        }
        var plateau: (Float, Int, Int)?
        if let p = file.metadata["plateau"] {
            let parts = p.split(separator: ",")
            if parts.count == 3, let b = Float(parts[0]), let s = Int(parts[1]), let c = Int(parts[2]) { plateau = (b, s, c) }
        }
        let checkpoint = LMCheckpoint(
            epoch: try number("epoch", Int.self), nextBatch: try number("next_batch", Int.self),
            learningRate: try number("learning_rate", Float.self), bestValidation: try number("best_validation", Float.self),
            bestEpoch: try number("best_epoch", Int.self), badEpochs: try number("bad_epochs", Int.self),
            seconds: try number("seconds", Double.self), epochLossSum: try number("epoch_loss_sum", Double.self),
            epochLossCount: try number("epoch_loss_count", Int.self), plateau: plateau)
        let states = stateEntries.sorted { $0.0 < $1.0 }.map { Tensor(shape: $0.1.shape, values: $0.1.floats ?? []) }
        return (checkpoint, states)
    }

    /// The model's dropout layers in a fixed order.
    static func dropouts(_ model: LanguageModel) -> [Dropout] {
        var result = [model.inputDropout, model.outputDropout]
        if let d = model.lstm?.dropout ?? model.gru?.dropout ?? model.elman?.dropout ?? model.jordan?.dropout { result.append(d) }
        return result
    }
}

extension StackStates {
    /// States rebuilt from checkpoint tensors in `tensors` order, shaped like `template`.
    init(restoring tensors: [Tensor], like template: StackStates) {
        switch template {
        case .plain: self = .plain(tensors)
        case .lstm: self = .lstm(stride(from: 0, to: tensors.count, by: 2).map { LSTMState(h: tensors[$0], c: tensors[$0 + 1]) })
        }
    }
}
