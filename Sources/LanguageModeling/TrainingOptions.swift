/// The optimizer a language model trains with.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case sgd, adam, rmsprop, adagrad
}

/// How a language model is trained (saved in `config.json` beside the architecture, so a resumed
/// run continues with the same settings).
public struct LMTrainingOptions: Codable, Equatable, Sendable {
    public var epochs = 10
    public var batchSize = 32
    public var sequenceLength = 64
    public var optimizer: OptimizerKind = .adam
    public var learningRate: Float = 2e-3
    /// Multiply the learning rate by this after every epoch past `decayAfter` (1: no decay).
    public var decay: Float = 1
    public var decayAfter = 0
    /// Multiply the learning rate by `plateauFactor` whenever validation loss does not improve (0: off; replaces `decay`).
    public var plateauFactor: Float = 0
    public var gradientClip: Float = 5
    /// Uniform initialisation range for every weight (0: PyTorch's defaults).
    public var initRange: Float = 0
    public var seed: UInt64 = 0
    /// Fraction of the text held out for validation when no validation file is given.
    public var validationFraction: Double = 0.1
    /// Stop after this many epochs without a better validation loss (0: never).
    public var patience = 0
    /// Stop once this much wall time (seconds) has been spent training (0: no limit).
    public var timeLimit: Double = 0
    /// Save the resumable checkpoint every this many batches as well as after each epoch (0: epochs only).
    public var checkpointEvery = 0

    public init() {}
}
