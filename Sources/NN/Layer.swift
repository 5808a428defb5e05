@_exported import Autograd
@_exported import struct FileOutput.FileWriteError

/// The element type a state-dict entry is saved as.
public enum StateDType: String, Sendable {
    case float32 = "F32"
    case int64 = "I64"
}

/// A non-trainable tensor a layer keeps (BatchNorm's running statistics): saved in checkpoints,
/// never seen by an optimizer. `dtype` says how it is saved (`num_batches_tracked` is I64).
public struct NamedBuffer {
    public let name: String
    public let tensor: Tensor
    public let dtype: StateDType
    public init(_ name: String, _ tensor: Tensor, dtype: StateDType = .float32) {
        self.name = name; self.tensor = tensor; self.dtype = dtype
    }
}

/// A building block of a model. It lists its own parameters and buffers under their PyTorch
/// `state_dict` names and its sublayers under their attribute names, explicitly (no reflection);
/// full names join them with dots (`encoder.conv1.weight`).
public protocol Layer: AnyObject {
    /// This layer's own trainable tensors, by PyTorch name (`weight`, `bias`).
    var parameters: [(name: String, tensor: Tensor)] { get }
    /// This layer's own non-trainable state.
    var buffers: [NamedBuffer] { get }
    /// Child layers, by attribute name.
    var sublayers: [(name: String, layer: any Layer)] { get }
    /// Switches training behaviour (dropout, batch statistics) on or off, here and below.
    func setTraining(_ training: Bool)
}

extension Layer {
    public var parameters: [(name: String, tensor: Tensor)] { [] }
    public var buffers: [NamedBuffer] { [] }
    public var sublayers: [(name: String, layer: any Layer)] { [] }

    public func setTraining(_ training: Bool) {
        for (_, layer) in sublayers { layer.setTraining(training) }
    }

    /// Puts the layer and everything below it in training mode.
    public func train() { setTraining(true) }
    /// Puts the layer and everything below it in evaluation mode.
    public func eval() { setTraining(false) }

    /// Every parameter of this layer and its sublayers, with full dotted names, in definition order.
    public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = parameters.map { (name: prefix + $0.name, tensor: $0.tensor) }
        for (name, layer) in sublayers {
            result += layer.namedParameters(prefix: prefix + name + ".")
        }
        return result
    }

    /// Every buffer of this layer and its sublayers, with full dotted names.
    public func namedBuffers(prefix: String = "") -> [NamedBuffer] {
        var result = buffers.map { NamedBuffer(prefix + $0.name, $0.tensor, dtype: $0.dtype) }
        for (name, layer) in sublayers {
            result += layer.namedBuffers(prefix: prefix + name + ".")
        }
        return result
    }

    /// Packs every parameter into one contiguous `ParameterStore` (values and gradients).
    public func makeParameterStore() -> ParameterStore {
        ParameterStore(namedParameters())
    }
}

/// A layer that maps one tensor to one tensor.
public protocol UnaryLayer: Layer {
    func callAsFunction(_ input: Tensor) -> Tensor
}
