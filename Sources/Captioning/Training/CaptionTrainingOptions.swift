/// How a captioner is trained (saved as `training.json` in the model folder, so a resumed run
/// continues with the same settings).
public struct CaptionTrainingOptions: Codable, Equatable, Sendable {
    public var epochs = 20
    /// Images per batch (each with all its captions).
    public var batchSize = 32
    public var encoderLearningRate: Float = 1e-3
    public var decoderLearningRate: Float = 1e-3
    public var gradientClip: Float = 5
    /// Train the encoder (false: keep it fixed, features computed without gradients).
    public var fineTuneEncoder = true
    public var seed: UInt64 = 0
    /// Multiply both learning rates by this when the validation metric does not improve for
    /// `plateauPatience` epochs.
    public var plateauFactor: Float = 0.5
    public var plateauPatience = 2
    /// Stop after this many epochs without a better validation metric (0: never).
    public var patience = 6
    /// Beam width for the validation captions (1: greedy).
    public var validationBeam = 1
    /// Validate on at most this many images (0: all).
    public var validationImages = 0
    /// Longest caption decoded (tokens).
    public var maximumDecodeLength = 20
    /// The validation metric that picks the best checkpoint: "cider", "bleu4", or on synthetic scenes
    /// "truth" (the share of captions entirely true of their scene) or "grounding" (mean attention
    /// mass inside the named object's box); several joined by "+" are summed ("truth+grounding").
    public var selectionMetric = "cider"
    /// Stop once this much wall time (seconds) has been spent (0: no limit).
    public var timeLimit: Double = 0

    public init() {}

    /// The metrics `selectionMetric` names.
    public static let selectableMetrics = ["cider", "bleu4", "truth", "grounding"]

    /// The selection value of one epoch's validation scores: the sum of the metrics named in
    /// `selectionMetric` ("+"-separated); CIDEr-D when one of them is missing.
    public func selectionValue(of scores: [String: Double]) -> Double {
        let values = selectionMetric.split(separator: "+").map { scores[String($0)] }
        guard !values.isEmpty, !values.contains(where: { $0 == nil }) else { return scores["cider"] ?? 0 }
        return values.reduce(0) { $0 + $1! }
    }
}
