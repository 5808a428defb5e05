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

/// The whole captioning model: `encoder` and `decoder`, with DESIGN.md's parameter names.
public final class Captioner: Layer {
    public let configuration: CaptionerConfiguration
    public let encoder: ImageEncoder
    public let decoder: AttentionDecoder

    public init(_ c: CaptionerConfiguration, seed: UInt64) {
        configuration = c
        var g = SeededGenerator(seed: seed)
        encoder = ImageEncoder(featureSize: c.featureSize, generator: &g)
        decoder = AttentionDecoder(c, generator: &g, dropoutSeed: seed &+ 1)
    }

    public var sublayers: [(name: String, layer: any Layer)] { [(name: "encoder", layer: encoder), (name: "decoder", layer: decoder)] }

    /// Teacher-forced decoding of padded captions `[B, T]` (row-major, column 0 `<start>`, padded
    /// with `<pad>` = 0) whose real lengths (with `<start>` and `<end>`) are `lengths`, against
    /// `features [B, L, D]`. Runs n = max(lengths) - 1 steps for every row; returns logits `[B, n, V]`
    /// and attention `[B, n, L]`.
    public func teacherForced(features: Tensor, captions: [Int32], lengths: [Int]) -> (logits: Tensor, alphas: Tensor) {
        let b = features.shape[0], t = captions.count / max(b, 1)
        precondition(captions.count == b * t && lengths.count == b, "captions must be [B, T] for \(b) feature rows")
        let steps = (lengths.max() ?? 1) - 1
        precondition(steps >= 1 && steps < t, "caption lengths \(lengths) do not fit \(t) columns")
        let projected = decoder.attention.projectFeatures(features)
        var state = decoder.initialState(features)
        var logits: [Tensor] = [], alphas: [Tensor] = []
        for s in 0..<steps {
            let tokens = (0..<b).map { captions[$0 * t + s] }
            let out = decoder.step(tokens: tokens, features: features, projectedFeatures: projected, state: state)
            state = out.state
            logits.append(out.logits.reshaped([b, 1, -1]))
            alphas.append(out.alpha.reshaped([b, 1, -1]))
        }
        return (Tensor.concat(logits, axis: 1), Tensor.concat(alphas, axis: 1))
    }
}

/// The training loss: cross-entropy over the real targets (mean over them) plus
/// `alphaC * mean_{b,i} (1 - sum_{t real} alpha_{b,t,i})^2` (doubly stochastic attention).
/// `captions [B, T]` as in `teacherForced`; the target of step t is column t + 1, real when t + 1 < length.
public func captioningLoss(logits: Tensor, alphas: Tensor, captions: [Int32], lengths: [Int], alphaC: Float) -> (total: Tensor, crossEntropy: Tensor, attention: Tensor) {
    let b = logits.shape[0], n = logits.shape[1], v = logits.shape[2]
    let t = captions.count / b
    var targets = [Int32](repeating: 0, count: b * n), mask = [Float](repeating: 0, count: b * n)
    for row in 0..<b {
        for s in 0..<n where s + 1 < lengths[row] {
            targets[row * n + s] = captions[row * t + s + 1]
            mask[row * n + s] = 1
        }
    }
    let ce = crossEntropy(logits: logits.reshaped([b * n, v]), targets: targets, ignoreIndex: -1, weights: mask)
    let attended = (alphas * Tensor(shape: [b, n, 1], values: mask)).sum(axes: [1])
    let attentionLoss = (1 - attended).squared().mean() * alphaC
    return (ce + attentionLoss, ce, attentionLoss)
}
