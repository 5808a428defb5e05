/// `tanh` as a layer (`torch.nn.Tanh`).
public final class Tanh: UnaryLayer {
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.tanh() }
}

/// `max(x, 0)` as a layer (`torch.nn.ReLU`).
public final class ReLU: UnaryLayer {
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.relu() }
}

/// `1 / (1 + e^-x)` as a layer (`torch.nn.Sigmoid`).
public final class Sigmoid: UnaryLayer {
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.sigmoid() }
}
