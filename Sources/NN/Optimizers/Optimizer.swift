/// Updates parameters in place from their gradients. Every optimizer works on a flat range of a
/// `ParameterStore` (all of it by default), so one step is one loop; its moment buffers share the
/// range's layout. Separate learning rates (say encoder and decoder) are separate optimizers over
/// separate ranges.
public protocol Optimizer: AnyObject {
    /// The learning rate of the next step (schedules set it).
    var learningRate: Float { get set }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// Applies one update from the current gradients.
    func step()
    /// The optimizer's state (moment buffers, step count) by name, for checkpoints.
    var state: [String: [Float]] { get }
    /// Restores a state from `state`; throws if a buffer is missing or has the wrong size.
    func loadState(_ state: [String: [Float]]) throws
}

/// A flat slice of a parameter store that an optimizer updates.
public struct ParameterRange {
    public let store: ParameterStore
    public let range: Range<Int>

    public init(store: ParameterStore, range: Range<Int>? = nil) {
        let r = range ?? 0..<store.count
        precondition(r.lowerBound >= 0 && r.upperBound <= store.count, "range \(r) is outside a store of \(store.count)")
        self.store = store
        self.range = r
    }

    var values: UnsafeMutablePointer<Float> { store.values.baseAddress! + range.lowerBound }
    var gradients: UnsafeMutablePointer<Float> { store.gradients.baseAddress! + range.lowerBound }
    var count: Int { range.count }
}

/// Errors from restoring optimizer state.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

/// Helpers shared by the optimizers' `state` and `loadState`.
enum OptimizerState {
    static func restore(_ buffer: inout [Float], _ name: String, from state: [String: [Float]]) throws {
        guard let saved = state[name] else { throw OptimizerStateError(description: "optimizer state has no '\(name)'") }
        guard saved.count == buffer.count else {
            throw OptimizerStateError(description: "optimizer state '\(name)' has \(saved.count) values, expected \(buffer.count)")
        }
        buffer = saved
    }

    static func restoreStep(from state: [String: [Float]]) throws -> Int {
        guard let step = state["step"], step.count == 1, let count = Int(exactly: step[0]), count >= 0 else {
            throw OptimizerStateError(description: "optimizer state has no valid 'step'")
        }
        return count
    }
}
