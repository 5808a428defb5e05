import NN

/// The nonlinearity inside the attention scorer: `e_i = w . act(W a_i + U h)`.
public enum AttentionActivation: String, Codable, Sendable, CaseIterable {
    case tanh, relu
}

/// The architecture and preprocessing of a captioning model, saved as `config.json`.
/// Sizes as DESIGN.md names them: D features, E embedding, A attention, H hidden, V vocabulary,
/// S image side (L = (S/8)^2 attention locations).
public struct CaptionerConfiguration: Codable, Equatable, Sendable {
    public var kind = "captioner"
    public var featureSize = 128
    public var embeddingSize = 128
    public var attentionSize = 128
    public var hiddenSize = 256
    public var vocabularySize: Int
    public var imageSize = 64
    public var attentionActivation: AttentionActivation = .tanh
    public var dropout: Float = 0.5
    /// Weight of the doubly stochastic attention term.
    public var alphaC: Float = 1
    /// Start the decoder from zero states instead of `init_h`/`init_c` of the mean feature (ablation).
    public var zeroInitialState = false
    /// Per-channel mean and standard deviation applied to pixels in [0, 1] before the encoder.
    public var mean: [Float] = [0.485, 0.456, 0.406]
    public var standardDeviation: [Float] = [0.229, 0.224, 0.225]
    /// How images are made square: "squash" or "crop" (resize the shorter side, center crop).
    public var squareMode = "squash"

    public init(vocabularySize: Int) { self.vocabularySize = vocabularySize }

    /// Checks the sizes and preprocessing (a hand-edited or corrupt `config.json`); `path` names it in the error.
    public func validate(path: String) throws {
        func fail(_ reason: String) -> ModelFolderError { ModelFolderError(path: path, reason: reason) }
        guard [featureSize, embeddingSize, attentionSize, hiddenSize, vocabularySize].allSatisfy({ $0 > 0 }) else { throw fail("has a size that is not positive") }
        guard vocabularySize > 4 else { throw fail("has a vocabulary of \(vocabularySize) words, fewer than the 4 special tokens and one word") }
        guard imageSize >= 8 && imageSize % 8 == 0 else { throw fail("has imageSize \(imageSize), not a positive multiple of 8") }
        guard mean.count == 3, standardDeviation.count == 3, standardDeviation.allSatisfy({ $0 > 0 }) else {
            throw fail("needs 3 means and 3 positive standard deviations")
        }
        guard (0..<1).contains(dropout) else { throw fail("has dropout \(dropout), not in [0, 1)") }
        guard ["squash", "fill"].contains(squareMode) else { throw fail("has squareMode '\(squareMode)', not squash or fill") }
    }

    /// Attention locations per image.
    public var locations: Int { (imageSize / 8) * (imageSize / 8) }
}
