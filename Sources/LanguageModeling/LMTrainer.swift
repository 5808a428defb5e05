import Dispatch
import FileOutput
import Foundation
import NN

/// One epoch's figures.
public struct LMEpochSummary: Codable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var validationLoss: Double
    public var validationPerplexity: Double
    public var learningRate: Float
    public var tokensPerSecond: Double
    public var seconds: Double
}

/// What a training run ended with (also written as `metrics.json`).
public struct LMTrainingResult: Codable, Sendable {
    public var bestValidationLoss: Double
    public var bestValidationPerplexity: Double
    public var bestEpoch: Int
    public var epochsCompleted: Int
    public var trainingSeconds: Double
    public var parameters: Int
    public var stoppedBecause: String
    public var epochs: [LMEpochSummary]
}

/// Training stopped on a loss that blew up; the last good checkpoint is intact.
public struct TrainingDiverged: Error, CustomStringConvertible {
    public let description: String
}

/// Trains a language model with truncated BPTT over parallel streams, validates after each epoch,
/// keeps the best weights, and checkpoints so a run can always resume exactly.
public final class LMTrainer {
    public let folder: ModelFolder
    public let model: LanguageModel
    public let vocabulary: LMVocabulary
    public let options: LMTrainingOptions
    let train: StreamBatcher, validation: StreamBatcher
    let store: ParameterStore
    let optimizer: Optimizer
    let report: (String) -> Void
    var state: LMCheckpoint
    var plateau: ReduceOnPlateau?
    var epochs: [LMEpochSummary] = []

    /// Prepares a run in `folder` (written: config.json, vocab.json; and as training goes,
    /// weights.safetensors, checkpoint.safetensors, metrics.json, log.jsonl, loss.svg).
    public init(folder: ModelFolder, configuration: LMConfiguration, vocabulary: LMVocabulary,
                trainIDs: [Int32], validationIDs: [Int32], options: LMTrainingOptions, report: @escaping (String) -> Void) throws {
        self.folder = folder; self.vocabulary = vocabulary; self.options = options; self.report = report
        model = LanguageModel(configuration, seed: options.seed)
        if options.initRange > 0 { model.initializeUniform(range: options.initRange, seed: options.seed &+ 7) }
        store = model.makeParameterStore()
        let parameters = ParameterRange(store: store)
        switch options.optimizer {
        case .sgd: optimizer = SGD(parameters, learningRate: options.learningRate)
        case .adam: optimizer = Adam(parameters, learningRate: options.learningRate)
        case .rmsprop: optimizer = RMSprop(parameters, learningRate: options.learningRate, alpha: 0.95)
        case .adagrad: optimizer = Adagrad(parameters, learningRate: options.learningRate)
        }
        train = StreamBatcher(ids: trainIDs, streams: options.batchSize, steps: options.sequenceLength)
        let validationStreams = max(1, min(options.batchSize, validationIDs.count / (options.sequenceLength + 1)))
        validation = StreamBatcher(ids: validationIDs, streams: validationStreams, steps: options.sequenceLength)
        guard train.batchCount > 0 else {
            throw CorpusError(path: folder.path, reason: "training text is too short for \(options.batchSize) streams of \(options.sequenceLength + 1) tokens")
        }
        guard validation.batchCount > 0 else { throw CorpusError(path: folder.path, reason: "validation text is too short (\(validationIDs.count) tokens)") }
        state = LMCheckpoint(epoch: 0, nextBatch: 0, learningRate: options.learningRate, bestValidation: .infinity, bestEpoch: 0,
                             badEpochs: 0, seconds: 0, epochLossSum: 0, epochLossCount: 0, plateau: nil)
        if options.plateauFactor > 0 { plateau = ReduceOnPlateau(initialLearningRate: options.learningRate, factor: options.plateauFactor, patience: 0) }
    }

    /// Trains until `options.epochs` (or patience, time limit, Ctrl-C). With `resume`, continues
    /// from `checkpoint.safetensors` exactly as if the run had not stopped.
    public func run(resume: Bool) throws -> LMTrainingResult {
        try folder.create()
        var states = model.zeroStates(batch: options.batchSize)
        if resume, FileManager.default.fileExists(atPath: folder.checkpointPath) {
            let (restored, tensors) = try LMCheckpoint.load(from: folder.checkpointPath, model: model, optimizer: optimizer)
            state = restored
            if let p = restored.plateau { plateau?.restore(learningRate: restored.learningRate, best: p.best, badSteps: p.badSteps, cooldownLeft: p.cooldownLeft) }
            if !tensors.isEmpty {
                let expected = states.tensors.map(\.shape)
                guard tensors.map(\.shape) == expected else {
                    throw SafetensorsError(path: folder.checkpointPath, reason: "checkpoint holds hidden states of shapes \(tensors.map(\.shape)), expected \(expected)")
                }
                states = StackStates(restoring: tensors, like: states)
            }
            epochs = (try? folder.readJSON(LMTrainingResult.self, from: folder.metricsPath))?.epochs ?? []
            report("resuming \(folder.path) after epoch \(state.epoch), batch \(state.nextBatch)")
        } else if resume {
            report("no checkpoint in \(folder.path); starting afresh")
        }
        report("model: \(model.configuration.cell) \(model.configuration.layers)x\(model.configuration.hidden), \(store.parameterCount) parameters, vocabulary \(vocabulary.count); \(train.batchCount) batches an epoch")
        var stoppedBecause = "completed \(options.epochs) epochs"
        let start = DispatchTime.now().uptimeNanoseconds
        let secondsBefore = state.seconds
        func elapsed() -> Double { secondsBefore + Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        training: while state.epoch < options.epochs {
            let epoch = state.epoch + 1
            if state.nextBatch == 0 {
                states = model.zeroStates(batch: options.batchSize)
                if plateau == nil {
                    // lr = lr0 * decay^max(0, epoch - decayAfter): Zaremba's "halve after the 4th epoch" is decay 0.5, after 4.
                    state.learningRate = options.learningRate * Float(pow(Double(options.decay), Double(max(0, epoch - options.decayAfter))))
                }
            }
            optimizer.learningRate = state.learningRate
            model.train()
            let epochStart = DispatchTime.now().uptimeNanoseconds
            var tokens = 0, lastReport = epochStart
            while state.nextBatch < train.batchCount {
                if Interruption.isRequested {
                    state.seconds = elapsed()
                    try saveCheckpoint(states)
                    stoppedBecause = "interrupted; resume with --resume"
                    report("interrupted: saved \(folder.checkpointPath); continue with --resume")
                    break training
                }
                let (inputs, targets, steps) = train.batch(state.nextBatch)
                store.zeroGradients()
                let (logits, next) = model(inputs, steps: steps, batch: options.batchSize, states: states)
                let loss = crossEntropy(logits: logits, targets: targets)
                let value = loss.item
                guard value.isFinite, value < 1e3 else {
                    throw TrainingDiverged(description: "loss became \(value) at epoch \(epoch), batch \(state.nextBatch + 1); stopped. The last good checkpoint (\(folder.checkpointPath)) and best weights are intact; try a lower --learning-rate or --grad-clip")
                }
                loss.backward()
                if options.gradientClip > 0 { clipGradientNorm(ParameterRange(store: store), maxNorm: options.gradientClip) }
                optimizer.step()
                states = next.detached()
                state.epochLossSum += Double(value)
                state.epochLossCount += 1
                state.nextBatch += 1
                tokens += steps * options.batchSize
                let now = DispatchTime.now().uptimeNanoseconds
                if now - lastReport > 2_000_000_000 || state.nextBatch == train.batchCount {
                    lastReport = now
                    let rate = Double(tokens) / (Double(now - epochStart) / 1e9)
                    let left = Double((train.batchCount - state.nextBatch) * options.sequenceLength * options.batchSize
                                      + (options.epochs - epoch) * train.batchCount * options.sequenceLength * options.batchSize) / max(rate, 1)
                    report(String(format: "epoch %d/%d  batch %d/%d  loss %.4f  %.0f tokens/s  %@ left", epoch, options.epochs,
                                  state.nextBatch, train.batchCount, state.epochLossSum / Double(state.epochLossCount), rate, formatDuration(left)))
                }
                if options.checkpointEvery > 0 && state.nextBatch % options.checkpointEvery == 0 && state.nextBatch < train.batchCount {
                    state.seconds = elapsed()
                    try saveCheckpoint(states)
                }
                if options.timeLimit > 0 && elapsed() >= options.timeLimit && state.nextBatch < train.batchCount {
                    // Stop like an interrupt: the epoch is not finished, so nothing advances; a resumed
                    // run continues with its next batch. Without best weights yet, keep these.
                    state.seconds = elapsed()
                    try saveCheckpoint(states)
                    if state.bestEpoch == 0 {
                        try model.saveWeights(to: folder.weightsPath, metadata: ["epoch": "\(epoch) (partial)", "validation_loss": "\(evaluate())"])
                    }
                    stoppedBecause = String(format: "time limit of %.0f s reached in epoch %d, batch %d; resume with --resume", options.timeLimit, epoch, state.nextBatch)
                    break training
                }
            }
            let epochSeconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
            let validationLoss = evaluate()
            let summary = LMEpochSummary(epoch: epoch, trainLoss: state.epochLossSum / Double(max(state.epochLossCount, 1)),
                                         validationLoss: validationLoss, validationPerplexity: Foundation.exp(validationLoss),
                                         learningRate: state.learningRate, tokensPerSecond: Double(tokens) / max(epochSeconds, 1e-9),
                                         seconds: epochSeconds)
            epochs.append(summary)
            report(String(format: "epoch %d: train loss %.4f, validation loss %.4f (perplexity %.2f), lr %g, %.0f tokens/s",
                          epoch, summary.trainLoss, validationLoss, summary.validationPerplexity, state.learningRate, summary.tokensPerSecond))
            folder.appendLog(["epoch": epoch, "train_loss": summary.trainLoss, "validation_loss": validationLoss,
                              "validation_perplexity": summary.validationPerplexity, "learning_rate": Double(state.learningRate),
                              "tokens_per_second": summary.tokensPerSecond, "seconds": epochSeconds])
            if Float(validationLoss) < state.bestValidation {
                state.bestValidation = Float(validationLoss)
                state.bestEpoch = epoch
                state.badEpochs = 0
                try model.saveWeights(to: folder.weightsPath, metadata: ["epoch": "\(epoch)", "validation_loss": "\(validationLoss)"])
            } else {
                state.badEpochs += 1
            }
            if var p = plateau {
                state.learningRate = p.step(metric: Float(validationLoss))
                plateau = p
                state.plateau = (p.best, p.badSteps, p.cooldownLeft)
            }
            state.epoch = epoch
            state.nextBatch = 0
            state.epochLossSum = 0
            state.epochLossCount = 0
            state.seconds = elapsed()
            try saveCheckpoint(model.zeroStates(batch: options.batchSize))
            try writeMetrics(stoppedBecause: "in progress: \(epoch) of \(options.epochs) epochs done")
            if options.timeLimit > 0 && elapsed() >= options.timeLimit {
                stoppedBecause = String(format: "time limit of %.0f s reached after epoch %d", options.timeLimit, epoch)
                break
            }
            if options.patience > 0 && state.badEpochs >= options.patience {
                stoppedBecause = "no better validation loss for \(options.patience) epochs"
                break
            }
        }
        return try writeMetrics(stoppedBecause: stoppedBecause)
    }

    /// Mean cross-entropy (nats per token) over the validation streams, states carried, no dropout.
    public func evaluate() -> Double {
        model.eval()
        defer { model.train() }
        return withoutGradient {
            var states = model.zeroStates(batch: validation.streams)
            var total = 0.0, count = 0
            for i in 0..<validation.batchCount {
                let (inputs, targets, steps) = validation.batch(i)
                let (logits, next) = model(inputs, steps: steps, batch: validation.streams, states: states)
                total += Double(crossEntropy(logits: logits, targets: targets).item) * Double(targets.count)
                count += targets.count
                states = next
            }
            return total / Double(max(count, 1))
        }
    }

    private func saveCheckpoint(_ states: StackStates) throws {
        try LMCheckpoint.save(state, model: model, optimizer: optimizer, states: states, to: folder.checkpointPath)
    }

    @discardableResult
    private func writeMetrics(stoppedBecause: String) throws -> LMTrainingResult {
        let result = LMTrainingResult(bestValidationLoss: Double(state.bestValidation), bestValidationPerplexity: Foundation.exp(Double(state.bestValidation)),
                                      bestEpoch: state.bestEpoch, epochsCompleted: state.epoch, trainingSeconds: state.seconds,
                                      parameters: store.parameterCount, stoppedBecause: stoppedBecause, epochs: epochs)
        try folder.writeJSON(result, to: folder.metricsPath)
        let plot = LinePlot(title: "\(model.configuration.cell) language model", xLabel: "epoch", yLabel: "loss (nats per token)", series: [
            .init(name: "train", points: epochs.map { (Double($0.epoch), $0.trainLoss) }),
            .init(name: "validation", points: epochs.map { (Double($0.epoch), $0.validationLoss) }),
        ])
        try? plot.write(to: folder.plotPath)
        return result
    }
}

