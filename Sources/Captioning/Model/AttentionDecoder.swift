import NN

/// The LSTM decoder with soft attention. Per step t:
/// `alpha, context = attention(a, h)`; `z = sigmoid(f_beta(h)) * context`;
/// `(h, c) = LSTMCell([embedding(y_{t-1}); z], (h, c))`; `logits = fc(dropout(h))`.
/// The initial state comes from the mean annotation vector: `h0 = init_h(mean a)`, `c0 = init_c(mean a)`
/// (or zeros, for ablation).
public final class AttentionDecoder: Layer {
    public let embedding: Embedding
    public let attention: SoftAttention
    public let initH: Linear, initC: Linear, fBeta: Linear
    public let decodeStep: LSTMCell
    public let fc: Linear
    public let dropout: Dropout
    public let zeroInitialState: Bool

    public init(_ c: CaptionerConfiguration, generator: inout SeededGenerator, dropoutSeed: UInt64) {
        embedding = Embedding(count: c.vocabularySize, dimension: c.embeddingSize, generator: &generator)
        attention = SoftAttention(featureSize: c.featureSize, hiddenSize: c.hiddenSize, attentionSize: c.attentionSize,
                                  activation: c.attentionActivation, generator: &generator)
        initH = Linear(inputSize: c.featureSize, outputSize: c.hiddenSize, generator: &generator)
        initC = Linear(inputSize: c.featureSize, outputSize: c.hiddenSize, generator: &generator)
        fBeta = Linear(inputSize: c.hiddenSize, outputSize: c.featureSize, generator: &generator)
        decodeStep = LSTMCell(inputSize: c.embeddingSize + c.featureSize, hiddenSize: c.hiddenSize, generator: &generator)
        fc = Linear(inputSize: c.hiddenSize, outputSize: c.vocabularySize, generator: &generator)
        dropout = Dropout(probability: c.dropout, seed: dropoutSeed)
        zeroInitialState = c.zeroInitialState
    }

    public var sublayers: [(name: String, layer: any Layer)] {
        let layers: [(String, any Layer)] = [("embedding", embedding), ("attention", attention), ("init_h", initH), ("init_c", initC),
                                             ("f_beta", fBeta), ("decode_step", decodeStep), ("fc", fc), ("dropout", dropout)]
        return layers.map { (name: $0.0, layer: $0.1) }
    }

    /// The state the decoder starts from, for features `[B, L, D]`.
    public func initialState(_ features: Tensor) -> LSTMState {
        if zeroInitialState { return decodeStep.zeroState(batchSize: features.shape[0]) }
        let mean = features.mean(axes: [1])
        return LSTMState(h: initH(mean), c: initC(mean))
    }

    /// One step from `tokens` (`[B]`, the previous words): the logits `[B, V]`, the attention
    /// `[B, L]` and the next state.
    public func step(tokens: [Int32], features: Tensor, projectedFeatures: Tensor, state: LSTMState) -> (logits: Tensor, alpha: Tensor, state: LSTMState) {
        let (alpha, context) = attention(features: features, projectedFeatures: projectedFeatures, hidden: state.h)
        let gated = fBeta(state.h).sigmoid() * context
        let input = Tensor.concat([embedding(tokens), gated], axis: 1)
        let next = decodeStep(input, state: state).state
        return (fc(dropout(next.h)), alpha, next)
    }
}
