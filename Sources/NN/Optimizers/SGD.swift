/// Stochastic gradient descent with PyTorch's exact update (`torch.optim.SGD`):
/// `g = grad + weightDecay * p`; with momentum `buf = g` on the first step, else
/// `buf = momentum * buf + (1 - dampening) * g`; `g = nesterov ? g + momentum * buf : buf`;
/// `p -= learningRate * g`.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
    public private(set) var stepCount = 0
    let parameters: ParameterRange
    var velocity: [Float]

    public init(_ parameters: ParameterRange, learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum needs momentum > 0 and no dampening")
        self.parameters = parameters
        self.learningRate = learningRate; self.momentum = momentum; self.dampening = dampening
        self.weightDecay = weightDecay; self.nesterov = nesterov
        velocity = momentum != 0 ? [Float](repeating: 0, count: parameters.count) : []
    }

    public func step() {
        let p = parameters.values, grad = parameters.gradients
        let lr = learningRate, mu = momentum, wd = weightDecay, first = stepCount == 0
        if mu == 0 {
            for i in 0..<parameters.count { p[i] -= lr * (grad[i] + wd * p[i]) }
        } else {
            velocity.withUnsafeMutableBufferPointer { buf in
                for i in 0..<parameters.count {
                    var g = grad[i] + wd * p[i]
                    buf[i] = first ? g : mu * buf[i] + (1 - dampening) * g
                    g = nesterov ? g + mu * buf[i] : buf[i]
                    p[i] -= lr * g
                }
            }
        }
        stepCount += 1
    }

    public var state: [String: [Float]] { ["step": [Float(stepCount)], "momentum_buffer": velocity] }

    public func loadState(_ state: [String: [Float]]) throws {
        stepCount = try OptimizerState.restoreStep(from: state)
        if momentum != 0 { try OptimizerState.restore(&velocity, "momentum_buffer", from: state) }
    }
}
