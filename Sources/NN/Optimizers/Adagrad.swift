/// Adagrad with PyTorch's exact update (`torch.optim.Adagrad`), step t from 1:
/// `clr = lr / (1 + (t - 1) * lrDecay)`; `g = grad + weightDecay * p`; `sum += g^2`;
/// `p -= clr * g / (sqrt(sum) + eps)`.
public final class Adagrad: Optimizer {
    public var learningRate: Float
    public let learningRateDecay: Float, weightDecay: Float, eps: Float
    public private(set) var stepCount = 0
    let parameters: ParameterRange
    var sum: [Float]

    public init(_ parameters: ParameterRange, learningRate: Float = 0.01, learningRateDecay: Float = 0,
                weightDecay: Float = 0, initialAccumulatorValue: Float = 0, eps: Float = 1e-10) {
        self.parameters = parameters
        self.learningRate = learningRate; self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay; self.eps = eps
        sum = [Float](repeating: initialAccumulatorValue, count: parameters.count)
    }

    public func step() {
        stepCount += 1
        let p = parameters.values, grad = parameters.gradients
        let clr = learningRate / (1 + Float(stepCount - 1) * learningRateDecay)
        let wd = weightDecay, eps = eps
        sum.withUnsafeMutableBufferPointer { s in
            for i in 0..<parameters.count {
                let g = grad[i] + wd * p[i]
                s[i] += g * g
                p[i] -= clr * g / (s[i].squareRoot() + eps)
            }
        }
    }

    public var state: [String: [Float]] { ["step": [Float(stepCount)], "sum": sum] }

    public func loadState(_ state: [String: [Float]]) throws {
        stepCount = try OptimizerState.restoreStep(from: state)
        try OptimizerState.restore(&sum, "sum", from: state)
    }
}
