import NN

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
