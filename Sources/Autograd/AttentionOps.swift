import Kernels

/// Additive attention scores as one graph node:
/// `scores[b, l] = bias + sum_a weight[0, a] * act(projected[b, l, a] + query[b, a])`, act tanh or
/// relu. Shapes: `projected [B, L, A]`, `query [B, A]`, `weight [1, A]`, `bias [1]`; result `[B, L]`.
/// It replaces a broadcast add, the activation and a one-output linear layer, and keeps one
/// `[B, L, A]` buffer instead of three.
public func additiveAttentionScores(projected: Tensor, query: Tensor, weight: Tensor, bias: Tensor?, relu: Bool) -> Tensor {
    precondition(projected.rank == 3, "attention scores take projected features [B, L, A], not \(projected.shape)")
    let b = projected.shape[0], l = projected.shape[1], a = projected.shape[2]
    precondition(query.shape == [b, a], "attention query must be [\(b), \(a)], not \(query.shape)")
    precondition(weight.count == a, "attention weight must have \(a) values, not \(weight.count)")
    if let bias { precondition(bias.count == 1, "attention bias must be one value") }
    let activated = Buffer(count: b * l * a)
    let out = Tensor.output([b, l])
    additiveAttentionForward(projected: projected.data, query: query.data, weight: weight.data, bias: bias?.data[0] ?? 0,
                             batch: b, locations: l, width: a, relu: relu, activated: activated.pointer, scores: out.data)
    var inputs = [projected, query, weight]
    if let bias { inputs.append(bias) }
    out.record(inputs) { out in
        additiveAttentionBackward(gradScores: out.grad!, activated: activated.pointer, weight: weight.data,
                                  batch: b, locations: l, width: a, relu: relu,
                                  gradProjected: projected.requiresGrad ? projected.gradientBuffer() : nil,
                                  gradQuery: query.requiresGrad ? query.gradientBuffer() : nil,
                                  gradWeight: weight.requiresGrad ? weight.gradientBuffer() : nil,
                                  gradBias: bias.flatMap { $0.requiresGrad ? $0.gradientBuffer() : nil })
    }
    return out
}

/// The attention context as one graph node: `context[b, :] = sum_l alpha[b, l] * features[b, l, :]`.
/// Shapes: `alpha [B, L]`, `features [B, L, D]`, result `[B, D]`. The same as the batched product
/// `alpha[b] (1 x L) * features[b] (L x D)`, without a small matrix product per row.
public func attentionContext(alpha: Tensor, features: Tensor) -> Tensor {
    precondition(features.rank == 3, "attention context takes features [B, L, D], not \(features.shape)")
    let b = features.shape[0], l = features.shape[1], d = features.shape[2]
    precondition(alpha.shape == [b, l], "attention weights must be [\(b), \(l)], not \(alpha.shape)")
    let out = Tensor.uninitializedOutput([b, d])
    attentionContextForward(alpha: alpha.data, features: features.data, batch: b, locations: l, width: d, context: out.data)
    out.record([alpha, features]) { out in
        attentionContextBackward(gradContext: out.grad!, alpha: alpha.data, features: features.data, batch: b, locations: l, width: d,
                                 gradAlpha: alpha.requiresGrad ? alpha.gradientBuffer() : nil,
                                 gradFeatures: features.requiresGrad ? features.gradientBuffer() : nil)
    }
    return out
}
