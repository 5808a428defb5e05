import NN

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
