import NN

/// Soft attention over annotation vectors (Xu et al. 2015):
/// `e_i = full_att(act(encoder_att(a_i) + decoder_att(h)))`, `alpha = softmax(e)`,
/// `context = sum_i alpha_i a_i`. Shapes: `a [B, L, D]`, `h [B, H]`, `alpha [B, L]`, `context [B, D]`.
public final class SoftAttention: Layer {
    public let encoderAttention: Linear, decoderAttention: Linear, fullAttention: Linear
    public let activation: AttentionActivation

    public init(featureSize: Int, hiddenSize: Int, attentionSize: Int, activation: AttentionActivation, generator: inout SeededGenerator) {
        encoderAttention = Linear(inputSize: featureSize, outputSize: attentionSize, generator: &generator)
        decoderAttention = Linear(inputSize: hiddenSize, outputSize: attentionSize, generator: &generator)
        fullAttention = Linear(inputSize: attentionSize, outputSize: 1, generator: &generator)
        self.activation = activation
    }

    public var sublayers: [(name: String, layer: any Layer)] {
        [(name: "encoder_att", layer: encoderAttention), (name: "decoder_att", layer: decoderAttention), (name: "full_att", layer: fullAttention)]
    }

    /// `encoder_att(a)` for every location, computed once per image: `[B, L, A]`.
    public func projectFeatures(_ features: Tensor) -> Tensor { encoderAttention(features) }

    /// One step: the attention weights `[B, L]` and the context vector `[B, D]`.
    public func callAsFunction(features: Tensor, projectedFeatures: Tensor, hidden: Tensor) -> (alpha: Tensor, context: Tensor) {
        let scores = additiveAttentionScores(projected: projectedFeatures, query: decoderAttention(hidden),
                                             weight: fullAttention.weight, bias: fullAttention.bias, relu: activation == .relu)
        let alpha = scores.softmax(axis: 1)
        return (alpha, attentionContext(alpha: alpha, features: features))
    }
}
