import Kernels

/// Batch normalisation over `x [B, C, H, W]` (or `[B, C]`) per channel.
///
/// Training: normalises with the batch mean and biased variance, and updates the running
/// statistics in place: `running = (1 - momentum) * running + momentum * batch`, the variance
/// taken unbiased (`* N / (N - 1)`) as PyTorch does. Evaluation: normalises with the running
/// statistics. `y = weight * (x - mean) / sqrt(var + eps) + bias`; with `relu`, `max(0, y)` in
/// the same pass (and its mask in the same backward pass), as `batchNorm(...).relu()` gives.
public func batchNorm(
    _ x: Tensor, weight: Tensor, bias: Tensor, runningMean: Tensor, runningVariance: Tensor,
    training: Bool, momentum: Float = 0.1, eps: Float = 1e-5, relu: Bool = false
) -> Tensor {
    precondition(x.rank >= 2, "batchNorm takes [B, C, ...], not \(x.shape)")
    let batch = x.shape[0], channels = x.shape[1]
    let plane = x.count / max(batch * channels, 1)
    for (name, t) in [("weight", weight), ("bias", bias), ("running mean", runningMean), ("running variance", runningVariance)] {
        precondition(t.shape == [channels], "batchNorm: \(name) must be [\(channels)], not \(t.shape)")
    }
    let out = Tensor.uninitializedOutput(x.shape)
    let xhat = Buffer(uninitializedCount: x.count)
    let invStd = Buffer(count: channels)
    if training {
        let n = batch * plane
        precondition(n > 1, "batchNorm in training needs more than one value per channel, got input \(x.shape)")
        let mean = Buffer(count: channels), variance = Buffer(count: channels)
        batchNormTrainingForward(x: x.data, batch: batch, channels: channels, plane: plane, eps: eps,
                                 weight: weight.data, bias: bias.data, mean: mean.pointer, variance: variance.pointer,
                                 invStd: invStd.pointer, xhat: xhat.pointer, y: out.data, relu: relu)
        let unbias = Float(n) / Float(n - 1)
        for c in 0..<channels {
            runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * mean.pointer[c]
            runningVariance.data[c] = (1 - momentum) * runningVariance.data[c] + momentum * variance.pointer[c] * unbias
        }
        out.record([x, weight, bias]) { out in
            batchNormTrainingBackward(gradY: out.grad!, xhat: xhat.pointer, invStd: invStd.pointer, weight: weight.data,
                                      batch: batch, channels: channels, plane: plane,
                                      gradX: x.requiresGrad ? x.gradientBuffer() : nil,
                                      gradWeight: weight.requiresGrad ? weight.gradientBuffer() : nil,
                                      gradBias: bias.requiresGrad ? bias.gradientBuffer() : nil,
                                      reluOutput: relu ? UnsafePointer(out.data) : nil)
        }
    } else {
        batchNormInferenceForward(x: x.data, batch: batch, channels: channels, plane: plane, eps: eps,
                                  weight: weight.data, bias: bias.data, runningMean: runningMean.data,
                                  runningVariance: runningVariance.data, invStd: invStd.pointer, xhat: xhat.pointer, y: out.data, relu: relu)
        out.record([x, weight, bias]) { out in
            batchNormInferenceBackward(gradY: out.grad!, xhat: xhat.pointer, invStd: invStd.pointer, weight: weight.data,
                                       batch: batch, channels: channels, plane: plane,
                                       gradX: x.requiresGrad ? x.gradientBuffer() : nil,
                                       gradWeight: weight.requiresGrad ? weight.gradientBuffer() : nil,
                                       gradBias: bias.requiresGrad ? bias.gradientBuffer() : nil,
                                       reluOutput: relu ? UnsafePointer(out.data) : nil)
        }
    }
    return out
}

/// Inverted dropout: in training each element is zeroed with probability `probability` and the
/// rest scaled by `1 / (1 - probability)`, the mask drawn from `generator`; in evaluation the
/// identity (the same tensor is returned).
public func dropout(_ x: Tensor, probability: Float, training: Bool, generator: inout SeededGenerator) -> Tensor {
    precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), not \(probability)")
    if !training || probability == 0 { return x }
    let scale = 1 / (1 - probability)
    let mask = Tensor(zeros: x.shape)
    for i in 0..<mask.count { mask.data[i] = generator.nextUniform() < probability ? 0 : scale }
    return x * mask
}
