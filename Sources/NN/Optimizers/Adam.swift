import Foundation
import Kernels

/// Adam and AdamW with PyTorch's exact updates (`torch.optim.Adam`, `torch.optim.AdamW`), step t from 1:
/// Adam: `g = grad + weightDecay * p`; AdamW: `p *= 1 - lr * weightDecay` first and `g = grad`.
/// Then `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
/// `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    /// Decoupled weight decay (AdamW) instead of an L2 term in the gradient (Adam).
    public let decoupledWeightDecay: Bool
    public private(set) var stepCount = 0
    let parameters: ParameterRange
    var firstMoment: [Float], secondMoment: [Float]

    public init(_ parameters: ParameterRange, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                eps: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps
        self.weightDecay = weightDecay; self.decoupledWeightDecay = decoupledWeightDecay
        firstMoment = [Float](repeating: 0, count: parameters.count)
        secondMoment = [Float](repeating: 0, count: parameters.count)
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch's default weight decay 0.01).
    public static func adamW(_ parameters: ParameterRange, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                             eps: Float = 1e-8, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps,
             weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step() {
        stepCount += 1
        let p = parameters.values, grad = parameters.gradients
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = eps, wd = weightDecay
        let t = Double(stepCount)
        let bias1 = Float(1 - Foundation.pow(Double(b1), t))
        let bias2Root = Float((1 - Foundation.pow(Double(b2), t)).squareRoot())
        let constants = AdamStepConstants(stepSize: lr / bias1, beta1: b1, beta2: b2, bias2Root: bias2Root, eps: eps,
                                          l2: decoupledWeightDecay ? 0 : wd, decay: decoupledWeightDecay ? 1 - lr * wd : 1)
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                adamUpdate(values: p, gradients: grad, firstMoment: m.baseAddress!, secondMoment: v.baseAddress!,
                           count: parameters.count, constants)
            }
        }
    }

    public var state: [String: [Float]] { ["step": [Float(stepCount)], "exp_avg": firstMoment, "exp_avg_sq": secondMoment] }

    public func loadState(_ state: [String: [Float]]) throws {
        stepCount = try OptimizerState.restoreStep(from: state)
        try OptimizerState.restore(&firstMoment, "exp_avg", from: state)
        try OptimizerState.restore(&secondMoment, "exp_avg_sq", from: state)
    }
}
