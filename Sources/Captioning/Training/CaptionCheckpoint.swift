import Foundation
import NN

/// The resumable state of a captioner's training: model weights and buffers, both optimizers'
/// moments, the dropout generator, counters and the schedule; one safetensors file written
/// atomically.
struct CaptionCheckpoint {
    var epoch: Int
    var nextBatch: Int
    var learningRateScale: Float
    var bestMetric: Double
    var bestEpoch: Int
    var badEpochs: Int
    var epochsSinceImprovement: Int
    var seconds: Double
    var lossSum: Double
    var lossCount: Int

    static func save(_ c: CaptionCheckpoint, model: Captioner, encoderOptimizer: Optimizer, decoderOptimizer: Optimizer, to path: String) throws {
        var tensors: [String: SafetensorsFile.Entry] = [:]
        for (name, entry) in model.stateDict() { tensors["model." + name] = entry }
        for (name, values) in encoderOptimizer.state { tensors["encoder_optimizer." + name] = .init(floats: values, shape: [values.count]) }
        for (name, values) in decoderOptimizer.state { tensors["decoder_optimizer." + name] = .init(floats: values, shape: [values.count]) }
        let metadata: [String: String] = [
            "epoch": "\(c.epoch)", "next_batch": "\(c.nextBatch)", "learning_rate_scale": "\(c.learningRateScale)",
            "best_metric": "\(c.bestMetric)", "best_epoch": "\(c.bestEpoch)", "bad_epochs": "\(c.badEpochs)",
            "epochs_since_improvement": "\(c.epochsSinceImprovement)", "seconds": "\(c.seconds)",
            "loss_sum": "\(c.lossSum)", "loss_count": "\(c.lossCount)",
            "dropout": model.decoder.dropout.generator.stateText,
        ]
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
    }

    static func load(from path: String, model: Captioner, encoderOptimizer: Optimizer, decoderOptimizer: Optimizer) throws -> CaptionCheckpoint {
        let file = try SafetensorsFile(contentsOf: path)
        func number<T: LosslessStringConvertible>(_ key: String) throws -> T { try file.metadataValue(key, path: path) }
        var modelEntries: [String: SafetensorsFile.Entry] = [:], encoderState: [String: [Float]] = [:], decoderState: [String: [Float]] = [:]
        for (name, entry) in file.tensors {
            if name.hasPrefix("model.") { modelEntries[String(name.dropFirst(6))] = entry }
            else if name.hasPrefix("encoder_optimizer.") { encoderState[String(name.dropFirst(18))] = entry.floats ?? [] }
            else if name.hasPrefix("decoder_optimizer.") { decoderState[String(name.dropFirst(18))] = entry.floats ?? [] }
        }
        try model.loadStateDict(modelEntries, source: path)
        try encoderOptimizer.loadState(encoderState)
        try decoderOptimizer.loadState(decoderState)
        guard let generator = SeededGenerator(stateText: try number("dropout") as String) else {
            throw SafetensorsError(path: path, reason: "checkpoint dropout state is malformed")
        }
        model.decoder.dropout.generator = generator
        return CaptionCheckpoint(epoch: try number("epoch"), nextBatch: try number("next_batch"), learningRateScale: try number("learning_rate_scale"),
                                 bestMetric: try number("best_metric"), bestEpoch: try number("best_epoch"), badEpochs: try number("bad_epochs"),
                                 epochsSinceImprovement: try number("epochs_since_improvement"), seconds: try number("seconds"),
                                 lossSum: try number("loss_sum"), lossCount: try number("loss_count"))
    }
}
