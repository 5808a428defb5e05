/// Batch normalisation over the channels of `[B, C, H, W]`, as `torch.nn.BatchNorm2d`:
/// `y = weight * (x - mean) / sqrt(var + eps) + bias`, batch statistics in training (updating the
/// running ones with `momentum`), running statistics in evaluation. `weight` = 1, `bias` = 0,
/// `running_mean` = 0, `running_var` = 1 at the start. The running statistics and
/// `num_batches_tracked` are buffers: checkpointed, never optimised.
public final class BatchNorm2D: UnaryLayer {
    public let weight: Tensor, bias: Tensor
    public let runningMean: Tensor, runningVariance: Tensor
    /// Training batches seen (saved as I64 `num_batches_tracked`).
    public let batchesTracked: Tensor
    public let momentum: Float, eps: Float
    public private(set) var isTraining = true

    public init(featureCount: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        precondition(featureCount > 0, "BatchNorm2D needs a positive feature count")
        weight = Tensor(zeros: [featureCount], value: 1, requiresGrad: true)
        bias = Tensor(zeros: [featureCount], requiresGrad: true)
        runningMean = Tensor(zeros: [featureCount])
        runningVariance = Tensor(zeros: [featureCount], value: 1)
        batchesTracked = Tensor(zeros: [])
        self.momentum = momentum; self.eps = eps
    }

    public var parameters: [(name: String, tensor: Tensor)] { [(name: "weight", tensor: weight), (name: "bias", tensor: bias)] }
    public var buffers: [NamedBuffer] {
        [NamedBuffer("running_mean", runningMean), NamedBuffer("running_var", runningVariance),
         NamedBuffer("num_batches_tracked", batchesTracked, dtype: .int64)]
    }

    public func setTraining(_ training: Bool) { isTraining = training }

    public func callAsFunction(_ input: Tensor) -> Tensor { callAsFunction(input, relu: false) }

    /// With `relu`, `relu(batchNorm(input))` as one op: one pass over the elements instead of two,
    /// forward and backward.
    public func callAsFunction(_ input: Tensor, relu: Bool) -> Tensor {
        if isTraining { batchesTracked.data[0] += 1 }
        return batchNorm(input, weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance,
                         training: isTraining, momentum: momentum, eps: eps, relu: relu)
    }
}
