import Foundation

/// Multiplies the learning rate by `gamma` every `stepSize` steps (`torch.optim.lr_scheduler.StepLR`):
/// after k calls of `step()`, `lr = initial * gamma^floor(k / stepSize)`.
public struct StepDecay {
    public let initialLearningRate: Float, stepSize: Int, gamma: Float
    public private(set) var steps = 0

    public init(initialLearningRate: Float, stepSize: Int, gamma: Float) {
        precondition(stepSize > 0, "StepDecay needs a positive step size")
        self.initialLearningRate = initialLearningRate; self.stepSize = stepSize; self.gamma = gamma
    }

    /// Advances one step (an epoch, usually) and returns the new learning rate.
    public mutating func step() -> Float {
        steps += 1
        return learningRate
    }

    public var learningRate: Float { initialLearningRate * Float(Foundation.pow(Double(gamma), Double(steps / stepSize))) }
}

/// Multiplies the learning rate by `gamma` every step (`ExponentialLR`): `lr = initial * gamma^k`.
public struct ExponentialDecay {
    public let initialLearningRate: Float, gamma: Float
    public private(set) var steps = 0

    public init(initialLearningRate: Float, gamma: Float) {
        self.initialLearningRate = initialLearningRate; self.gamma = gamma
    }

    /// Advances one step and returns the new learning rate.
    public mutating func step() -> Float {
        steps += 1
        return learningRate
    }

    public var learningRate: Float { initialLearningRate * Float(Foundation.pow(Double(gamma), Double(steps))) }
}

/// Lowers the learning rate when a metric to minimise stops improving (`ReduceLROnPlateau`,
/// mode `min`, relative threshold): a value is an improvement when `value < best * (1 - threshold)`;
/// after more than `patience` steps without one, `lr = max(lr * factor, minimum)`, then `cooldown`
/// steps during which bad steps are not counted.
public struct ReduceOnPlateau {
    public private(set) var learningRate: Float
    public let factor: Float, patience: Int, threshold: Float, cooldown: Int, minimumLearningRate: Float
    public private(set) var best = Float.infinity
    public private(set) var badSteps = 0
    public private(set) var cooldownLeft = 0

    public init(initialLearningRate: Float, factor: Float = 0.1, patience: Int = 10, threshold: Float = 1e-4,
                cooldown: Int = 0, minimumLearningRate: Float = 0) {
        precondition(factor > 0 && factor < 1, "ReduceOnPlateau factor must be in (0, 1)")
        learningRate = initialLearningRate
        self.factor = factor; self.patience = patience; self.threshold = threshold
        self.cooldown = cooldown; self.minimumLearningRate = minimumLearningRate
    }

    /// Restores the state of a run being resumed (values read from `learningRate`, `best`,
    /// `badSteps`, `cooldownLeft` when it was saved).
    public mutating func restore(learningRate: Float, best: Float, badSteps: Int, cooldownLeft: Int) {
        self.learningRate = learningRate; self.best = best; self.badSteps = badSteps; self.cooldownLeft = cooldownLeft
    }

    /// Takes the latest metric (validation loss, say) and returns the learning rate to use next.
    public mutating func step(metric: Float) -> Float {
        if metric < best * (1 - threshold) {
            best = metric
            badSteps = 0
        } else {
            badSteps += 1
        }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            badSteps = 0
        }
        if badSteps > patience {
            let reduced = max(learningRate * factor, minimumLearningRate)
            if learningRate - reduced > 1e-8 { learningRate = reduced }
            cooldownLeft = cooldown
            badSteps = 0
        }
        return learningRate
    }
}
