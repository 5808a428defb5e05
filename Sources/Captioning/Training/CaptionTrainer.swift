import Dispatch
import FileOutput
import Foundation
import NN

/// One epoch's figures.
public struct CaptionEpochSummary: Codable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var validation: [String: Double]
    public var imagesPerSecond: Double
    public var seconds: Double
    public var learningRateScale: Float
}

/// What a captioner's training ended with (also `metrics.json`).
public struct CaptionTrainingResult: Codable, Sendable {
    public var bestEpoch: Int
    public var bestMetric: Double
    public var selectionMetric: String
    public var epochsCompleted: Int
    public var trainingSeconds: Double
    public var parameters: Int
    public var stoppedBecause: String
    public var epochs: [CaptionEpochSummary]
}

/// One validation image's generated caption: its words (no special tokens) and, for each word, the
/// attention weights (L of them) with which it was emitted.
public struct ValidationCaption: Sendable {
    public var words: [String]
    public var alphas: [[Float]]
    public var text: String { words.joined(separator: " ") }
}

/// Scores validation captions against their references (one list per image, in the same order):
/// metric name -> value (BLEU-4, CIDEr-D, ...).
public typealias CaptionScorer = (_ captions: [ValidationCaption], _ references: [[String]]) -> [String: Double]

/// Trains a captioner end to end: batches of images with all their captions (each image encoded
/// once), teacher-forced loss with the attention term, separate encoder and decoder learning rates,
/// gradient clipping; after each epoch real decoding of the validation images, the metrics, the best
/// weights kept, the learning rate lowered on a plateau, early stopping; a checkpoint after every
/// epoch (and on Ctrl-C) from which `run(resume: true)` continues exactly.
public final class CaptionTrainer {
    public let model: Captioner
    public let vocabulary: Vocabulary
    public let options: CaptionTrainingOptions
    let folder: ModelFolder
    let train: CaptionSet, validation: CaptionSet
    let cache: ImageCache
    let store: ParameterStore
    let encoderOptimizer: Adam, decoderOptimizer: Adam
    let encoderRange: ParameterRange, decoderRange: ParameterRange
    let scorer: CaptionScorer
    let report: (String) -> Void
    var state = CaptionCheckpoint(epoch: 0, nextBatch: 0, learningRateScale: 1, bestMetric: -.infinity, bestEpoch: 0, badEpochs: 0,
                                  epochsSinceImprovement: 0, seconds: 0, lossSum: 0, lossCount: 0)
    var epochs: [CaptionEpochSummary] = []

    public init(folder: ModelFolder, configuration: CaptionerConfiguration, vocabulary: Vocabulary, train: CaptionSet, validation: CaptionSet,
                cache: ImageCache, options: CaptionTrainingOptions, scorer: @escaping CaptionScorer, report: @escaping (String) -> Void) {
        self.folder = folder; self.vocabulary = vocabulary; self.options = options
        self.train = train; self.validation = validation; self.cache = cache; self.scorer = scorer; self.report = report
        model = Captioner(configuration, seed: options.seed)
        store = model.makeParameterStore()
        encoderRange = ParameterRange(store: store, range: store.range(prefix: "encoder.")!)
        decoderRange = ParameterRange(store: store, range: store.range(prefix: "decoder.")!)
        encoderOptimizer = Adam(encoderRange, learningRate: options.encoderLearningRate)
        decoderOptimizer = Adam(decoderRange, learningRate: options.decoderLearningRate)
    }

    /// Trains for `options.epochs` (or until patience, the time limit or Ctrl-C).
    public func run(resume: Bool) throws -> CaptionTrainingResult {
        if resume, FileManager.default.fileExists(atPath: folder.checkpointPath) {
            state = try CaptionCheckpoint.load(from: folder.checkpointPath, model: model, encoderOptimizer: encoderOptimizer, decoderOptimizer: decoderOptimizer)
            epochs = (try? folder.readJSON(CaptionTrainingResult.self, from: folder.metricsPath))?.epochs ?? []
            report("resuming after epoch \(state.epoch), batch \(state.nextBatch)")
        }
        report("model: \(store.parameterCount) parameters; \(train.count) training images (\(train.captionCount) captions), \(validation.count) validation images")
        let start = DispatchTime.now().uptimeNanoseconds, before = state.seconds
        func elapsed() -> Double { before + Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        var stoppedBecause = "completed \(options.epochs) epochs"
        training: while state.epoch < options.epochs {
            let epoch = state.epoch + 1
            let order = train.batchOrder(size: options.batchSize, seed: options.seed, epoch: epoch)
            encoderOptimizer.learningRate = options.encoderLearningRate * state.learningRateScale
            decoderOptimizer.learningRate = options.decoderLearningRate * state.learningRateScale
            model.train()
            let epochStart = DispatchTime.now().uptimeNanoseconds
            var images = 0, lastReport = epochStart
            while state.nextBatch < order.count {
                if Interruption.isRequested {
                    state.seconds = elapsed()
                    try saveCheckpoint()
                    stoppedBecause = "interrupted; resume with --resume"
                    report("interrupted: saved \(folder.checkpointPath); continue with --resume")
                    break training
                }
                let indices = order[state.nextBatch]
                let loss = try step(CaptionBatch(set: train, cache: cache, imageIndices: indices, configuration: model.configuration), epoch: epoch)
                state.lossSum += Double(loss); state.lossCount += 1
                state.nextBatch += 1
                images += indices.count
                let now = DispatchTime.now().uptimeNanoseconds
                if now - lastReport > 2_000_000_000 || state.nextBatch == order.count {
                    lastReport = now
                    let rate = Double(images) / (Double(now - epochStart) / 1e9)
                    let left = Double((order.count - state.nextBatch) * options.batchSize + (options.epochs - epoch) * train.count) / max(rate, 1e-9)
                    report(String(format: "epoch %d/%d  step %d/%d  loss %.4f  %.1f images/s  %@ left", epoch, options.epochs, state.nextBatch,
                                  order.count, state.lossSum / Double(state.lossCount), rate, formatDuration(left)))
                }
                if options.timeLimit > 0 && elapsed() >= options.timeLimit && state.nextBatch < order.count {
                    // Stop like an interrupt: nothing advances, a resumed run continues with the next batch.
                    state.seconds = elapsed()
                    try saveCheckpoint()
                    if state.bestEpoch == 0 { try model.saveWeights(to: folder.weightsPath, metadata: ["epoch": "\(epoch) (partial)"]) }
                    stoppedBecause = "time limit reached in epoch \(epoch), step \(state.nextBatch); resume with --resume"
                    break training
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
            let scores = evaluate()
            let metric = options.selectionValue(of: scores)
            let summary = CaptionEpochSummary(epoch: epoch, trainLoss: state.lossSum / Double(max(state.lossCount, 1)), validation: scores,
                                              imagesPerSecond: Double(images) / max(seconds, 1e-9), seconds: seconds, learningRateScale: state.learningRateScale)
            epochs.append(summary)
            report("epoch \(epoch): train loss \(String(format: "%.4f", summary.trainLoss)), validation " +
                   scores.keys.sorted().map { "\($0) \(String(format: "%.4f", scores[$0]!))" }.joined(separator: ", "))
            var line: [String: Any] = ["epoch": epoch, "train_loss": summary.trainLoss, "images_per_second": summary.imagesPerSecond,
                                       "seconds": seconds, "learning_rate_scale": Double(state.learningRateScale)]
            for (k, v) in scores { line["val_" + k] = v }
            folder.appendLog(line)
            if metric > state.bestMetric {
                state.bestMetric = metric; state.bestEpoch = epoch; state.badEpochs = 0; state.epochsSinceImprovement = 0
                try model.saveWeights(to: folder.weightsPath, metadata: ["epoch": "\(epoch)", options.selectionMetric: "\(metric)"])
            } else {
                state.badEpochs += 1; state.epochsSinceImprovement += 1
                if state.badEpochs >= options.plateauPatience && options.plateauFactor > 0 {
                    state.learningRateScale *= options.plateauFactor
                    state.badEpochs = 0
                    report("validation \(options.selectionMetric) has not improved for \(options.plateauPatience) epochs: learning rates x\(options.plateauFactor)")
                }
            }
            state.epoch = epoch; state.nextBatch = 0; state.lossSum = 0; state.lossCount = 0
            state.seconds = elapsed()
            try saveCheckpoint()
            try writeMetrics("in progress: \(epoch) of \(options.epochs) epochs done")
            if options.patience > 0 && state.epochsSinceImprovement >= options.patience { stoppedBecause = "no better validation \(options.selectionMetric) for \(options.patience) epochs"; break }
            if options.timeLimit > 0 && elapsed() >= options.timeLimit { stoppedBecause = "time limit reached after epoch \(epoch)"; break }
        }
        return try writeMetrics(stoppedBecause)
    }

    /// One optimisation step; returns the loss. A NaN or infinite loss stops training.
    func step(_ batch: CaptionBatch, epoch: Int) throws -> Float {
        store.zeroGradients()
        let features: Tensor
        if options.fineTuneEncoder {
            features = model.encoder(batch.images)
        } else {
            model.encoder.eval()
            features = withoutGradient { model.encoder(batch.images) }
        }
        let rowFeatures = features.indexSelect(batch.captionImage)
        let (logits, alphas) = model.teacherForced(features: rowFeatures, captions: batch.captions, lengths: batch.lengths)
        let loss = captioningLoss(logits: logits, alphas: alphas, captions: batch.captions, lengths: batch.lengths, alphaC: model.configuration.alphaC)
        let value = loss.total.item
        guard value.isFinite else {
            throw TrainingStopped(description: "loss became \(value) at epoch \(epoch), step \(state.nextBatch + 1); stopped. The last good checkpoint (\(folder.checkpointPath)) and best weights are intact; try lower learning rates or --grad-clip")
        }
        loss.total.backward()
        if options.gradientClip > 0 {
            clipGradientNorm(ParameterRange(store: store), maxNorm: options.gradientClip)
        }
        if options.fineTuneEncoder { encoderOptimizer.step() }
        decoderOptimizer.step()
        return value
    }

    /// Captions for the validation images by real decoding (greedy, or beam search), scored.
    public func evaluate() -> [String: Double] {
        let (hypotheses, references) = decodeValidation()
        return scorer(hypotheses, references)
    }

    /// The validation images' generated captions and their references.
    public func decodeValidation() -> ([ValidationCaption], [[String]]) {
        let count = options.validationImages > 0 ? min(options.validationImages, validation.count) : validation.count
        let decoder = CaptionDecoder(model: model, startToken: Int32(Vocabulary.startID), endToken: Int32(Vocabulary.endID))
        var hypotheses: [ValidationCaption] = []
        model.eval()
        defer { model.train() }
        for chunk in stride(from: 0, to: count, by: 64) {
            let indices = Array(chunk..<min(chunk + 64, count))
            let images = CaptionBatch(set: validation, cache: cache, imageIndices: indices, configuration: model.configuration).images
            let features = withoutGradient { model.encoder(images) }
            if options.validationBeam <= 1 {
                for c in decoder.greedyBatch(features: features, maximumLength: options.maximumDecodeLength) {
                    hypotheses.append(validationCaption(c))
                }
            } else {
                for row in 0..<indices.count {
                    let best = decoder.beamSearch(features: features.slice(axis: 0, row..<(row + 1)), beamSize: options.validationBeam,
                                                  maximumLength: options.maximumDecodeLength)[0]
                    hypotheses.append(validationCaption(best))
                }
            }
        }
        return (hypotheses, Array(validation.references.prefix(count)))
    }

    private func validationCaption(_ decoded: DecodedCaption) -> ValidationCaption {
        let (words, alphas) = decoded.wordsWithAttention(vocabulary)
        return ValidationCaption(words: words, alphas: alphas)
    }

    private func saveCheckpoint() throws {
        try CaptionCheckpoint.save(state, model: model, encoderOptimizer: encoderOptimizer, decoderOptimizer: decoderOptimizer, to: folder.checkpointPath)
    }

    @discardableResult
    private func writeMetrics(_ stoppedBecause: String) throws -> CaptionTrainingResult {
        let result = CaptionTrainingResult(bestEpoch: state.bestEpoch, bestMetric: state.bestMetric, selectionMetric: options.selectionMetric,
                                           epochsCompleted: state.epoch, trainingSeconds: state.seconds, parameters: store.parameterCount,
                                           stoppedBecause: stoppedBecause, epochs: epochs)
        try folder.writeJSON(result, to: folder.metricsPath)
        var series: [LinePlot.Series] = [.init(name: "train loss", points: epochs.map { (Double($0.epoch), $0.trainLoss) })]
        for key in (epochs.last?.validation.keys.sorted() ?? []) where ["bleu4", "cider", "truth", "grounding"].contains(key) {
            series.append(.init(name: "val " + key, points: epochs.compactMap { e in e.validation[key].map { (Double(e.epoch), $0) } }))
        }
        try? LinePlot(title: "captioner training", xLabel: "epoch", yLabel: "loss / metric", series: series).write(to: folder.plotPath)
        return result
    }
}

/// Training stopped on a loss that blew up; the last good checkpoint is intact.
public struct TrainingStopped: Error, CustomStringConvertible {
    public let description: String
}

