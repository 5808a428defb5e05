/// Whether ops record the graph for backward. On by default; `withoutGradient` turns it off for
/// inference, so no graph is built and nothing is kept for a backward.
public enum GradientMode {
    @TaskLocal public static var isEnabled: Bool = true
}

/// Runs `body` with graph recording off (PyTorch's `torch.no_grad()`).
public func withoutGradient<T>(_ body: () throws -> T) rethrows -> T {
    try GradientMode.$isEnabled.withValue(false) { try body() }
}

extension Tensor {
    /// Reverse-mode differentiation from this tensor: seeds its gradient (`gradient`, or 1 for a
    /// one-element tensor), visits the graph in reverse topological order, and adds each input's
    /// gradient into its `grad`. Unless `retainGraph`, the graph is released afterwards.
    public func backward(gradient: [Float]? = nil, retainGraph: Bool = false) {
        precondition(requiresGrad, "backward() on a tensor that does not require gradients")
        let order = topologicalOrder()
        // Each pass starts the gradients of the graph's inner nodes afresh; only leaves accumulate
        // (a second pass over a kept graph adds to the leaves what the first one did).
        for node in order where node.backwardFunction != nil {
            node.grad = nil
            node.gradStorage = nil
        }
        let seed = gradientBuffer()
        if let gradient {
            precondition(gradient.count == count, "backward gradient has \(gradient.count) elements, the tensor \(count)")
            for i in 0..<count { seed[i] += gradient[i] }
        } else {
            precondition(count == 1, "backward() without a gradient needs a one-element tensor, not shape \(shape)")
            seed[0] += 1
        }
        for node in order.reversed() {
            guard let function = node.backwardFunction, node.grad != nil else { continue }
            function(node)
            for input in node.inputs where input.requiresGrad {
                precondition(input.grad != nil, "an op's backward gave no gradient to an input of shape \(input.shape)")
            }
        }
        if !retainGraph {
            for node in order {
                node.inputs = []
                node.backwardFunction = nil
                node.gradientBase = nil
            }
        }
    }

    /// Nodes reachable from this one, each after all of its inputs (iterative depth-first search,
    /// so long unrolled sequences do not overflow the stack).
    func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, next) = stack.popLast() {
            if next < node.inputs.count {
                stack.append((node, next + 1))
                let child = node.inputs[next]
                if child.requiresGrad && child.backwardFunction != nil && visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}
