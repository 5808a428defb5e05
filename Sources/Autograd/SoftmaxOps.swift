import Kernels

extension Tensor {
    /// `softmax(x)_k = exp(x_k) / sum_j exp(x_j)` along `axis`.
    public func softmax(axis: Int = -1) -> Tensor { softmaxOp(axis: axis, log: false) }

    /// `log_softmax(x)_k = x_k - log sum_j exp(x_j)` along `axis`.
    public func logSoftmax(axis: Int = -1) -> Tensor { softmaxOp(axis: axis, log: true) }

    private func softmaxOp(axis: Int, log: Bool) -> Tensor {
        let (outer, n, inner) = split3(normalizedAxis(axis))
        let x = self
        let out = Tensor.output(shape)
        softmaxForward(x: data, outer: outer, n: n, inner: inner, y: out.data, log: log)
        out.record([x]) { out in
            softmaxBackward(y: out.data, gradY: out.grad!, outer: outer, n: n, inner: inner, gradX: x.gradientBuffer(), log: log)
        }
        return out
    }
}

/// Cross-entropy of `logits [N, C]` against class `targets [N]`, averaged over the counted rows:
/// `loss = sum_i w_i * -log softmax(logits_i)[t_i] / sum_i w_i`, rows with `t_i == ignoreIndex`
/// left out, `w_i = weights[i]` (per-row weights, e.g. a class weight looked up per target) or 1.
/// Matches `torch.nn.functional.cross_entropy(..., weight=, ignore_index=)` with mean reduction.
/// Returns a scalar; 0 when no row counts.
public func crossEntropy(logits: Tensor, targets: [Int32], ignoreIndex: Int32 = -100, weights: [Float]? = nil) -> Tensor {
    precondition(logits.rank == 2, "crossEntropy takes logits [N, C], not \(logits.shape)")
    let rows = logits.shape[0], classes = logits.shape[1]
    precondition(targets.count == rows, "crossEntropy: \(rows) rows of logits but \(targets.count) targets")
    for t in targets where t != ignoreIndex {
        precondition(t >= 0 && Int(t) < classes, "crossEntropy: target \(t) is outside 0..<\(classes)")
    }
    if let weights { precondition(weights.count == rows, "crossEntropy: \(rows) rows but \(weights.count) weights") }
    let probabilities = Buffer(count: rows * classes)
    let (loss, weightSum) = targets.withUnsafeBufferPointer { t in
        crossEntropyForward(logits: logits.data, rows: rows, classes: classes, targets: t,
                            weights: weights, ignoreIndex: ignoreIndex, probabilities: probabilities.pointer)
    }
    let out = Tensor(scalar: loss)
    out.record([logits]) { out in
        targets.withUnsafeBufferPointer { t in
            crossEntropyBackward(probabilities: probabilities.pointer, rows: rows, classes: classes, targets: t,
                                 weights: weights, ignoreIndex: ignoreIndex, weightSum: weightSum,
                                 gradLoss: out.grad![0], gradLogits: logits.gradientBuffer())
        }
    }
    return out
}
