/// Inverted dropout as `torch.nn.Dropout`: in training, zero each element with probability `p`
/// and scale the others by `1 / (1 - p)`; the identity in evaluation. Masks come from the layer's
/// own seeded generator.
public final class Dropout: UnaryLayer {
    public let probability: Float
    public private(set) var isTraining = true
    public var generator: SeededGenerator

    public init(probability: Float, seed: UInt64 = 0) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), not \(probability)")
        self.probability = probability
        generator = SeededGenerator(seed: seed)
    }

    public func setTraining(_ training: Bool) { isTraining = training }

    /// Whether a call returns its input unchanged (evaluation, or probability 0).
    public var isIdentity: Bool { !isTraining || probability == 0 }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        dropout(input, probability: probability, training: isTraining, generator: &generator)
    }
}
