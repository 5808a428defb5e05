/// RMSprop with PyTorch's exact update (`torch.optim.RMSprop`):
/// `g = grad + weightDecay * p`; `sq = alpha * sq + (1 - alpha) * g^2`;
/// centered: `ga = alpha * ga + (1 - alpha) * g`, `avg = sqrt(sq - ga^2) + eps`, else `avg = sqrt(sq) + eps`;
/// with momentum `buf = momentum * buf + g / avg`, `p -= lr * buf`, else `p -= lr * g / avg`.
public final class RMSprop: Optimizer {
    public var learningRate: Float
    public let alpha: Float, eps: Float, weightDecay: Float, momentum: Float, centered: Bool
    public private(set) var stepCount = 0
    let parameters: ParameterRange
    var squareAverage: [Float], gradientAverage: [Float], momentumBuffer: [Float]

    public init(_ parameters: ParameterRange, learningRate: Float = 0.01, alpha: Float = 0.99, eps: Float = 1e-8,
                weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate; self.alpha = alpha; self.eps = eps
        self.weightDecay = weightDecay; self.momentum = momentum; self.centered = centered
        squareAverage = [Float](repeating: 0, count: parameters.count)
        gradientAverage = centered ? [Float](repeating: 0, count: parameters.count) : []
        momentumBuffer = momentum > 0 ? [Float](repeating: 0, count: parameters.count) : []
    }

    public func step() {
        stepCount += 1
        let p = parameters.values, grad = parameters.gradients
        let lr = learningRate, a = alpha, wd = weightDecay, mu = momentum, eps = eps, centered = centered
        squareAverage.withUnsafeMutableBufferPointer { sq in
            gradientAverage.withUnsafeMutableBufferPointer { ga in
                momentumBuffer.withUnsafeMutableBufferPointer { buf in
                    for i in 0..<parameters.count {
                        let g = grad[i] + wd * p[i]
                        sq[i] = a * sq[i] + (1 - a) * g * g
                        let avg: Float
                        if centered {
                            ga[i] = a * ga[i] + (1 - a) * g
                            avg = (sq[i] - ga[i] * ga[i]).squareRoot() + eps
                        } else {
                            avg = sq[i].squareRoot() + eps
                        }
                        if mu > 0 {
                            buf[i] = mu * buf[i] + g / avg
                            p[i] -= lr * buf[i]
                        } else {
                            p[i] -= lr * g / avg
                        }
                    }
                }
            }
        }
    }

    public var state: [String: [Float]] {
        ["step": [Float(stepCount)], "square_avg": squareAverage, "grad_avg": gradientAverage, "momentum_buffer": momentumBuffer]
    }

    public func loadState(_ state: [String: [Float]]) throws {
        stepCount = try OptimizerState.restoreStep(from: state)
        try OptimizerState.restore(&squareAverage, "square_avg", from: state)
        try OptimizerState.restore(&gradientAverage, "grad_avg", from: state)
        try OptimizerState.restore(&momentumBuffer, "momentum_buffer", from: state)
    }
}
