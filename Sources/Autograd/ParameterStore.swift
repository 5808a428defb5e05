import Kernels

/// All trainable parameters of a model in one contiguous buffer, each an (offset, shape) view,
/// with the gradients in a second buffer of the same layout. Zeroing the gradients is one pass,
/// and an optimizer step is one flat loop over `values` and `gradients`.
public final class ParameterStore {
    /// One parameter: its name (PyTorch `state_dict` key), where it starts, and the tensor viewing it.
    public struct Entry {
        public let name: String
        public let offset: Int
        public let tensor: Tensor
        public var count: Int { tensor.count }
        public var range: Range<Int> { offset..<(offset + tensor.count) }
    }

    /// The parameters in the order given.
    public let entries: [Entry]
    /// Total number of scalars.
    public let count: Int
    let valueBuffer: Buffer
    let gradientStorage: Buffer

    /// Packs `parameters` into one buffer: their current values are copied in, and each tensor is
    /// rebound to view its slice (values and gradient). Names must be unique.
    public init(_ parameters: [(name: String, tensor: Tensor)]) {
        var seen = Set<String>()
        var offset = 0
        var entries: [Entry] = []
        for (name, tensor) in parameters {
            precondition(seen.insert(name).inserted, "parameter name \(name) appears twice")
            entries.append(Entry(name: name, offset: offset, tensor: tensor))
            // Keep every parameter 16-float aligned so slices start on a cache line.
            offset += (tensor.count + 15) / 16 * 16
        }
        self.entries = entries
        self.count = offset
        valueBuffer = Buffer(count: offset)
        gradientStorage = Buffer(count: offset)
        for entry in entries {
            entry.tensor.rebind(storage: valueBuffer, offset: entry.offset, gradStorage: gradientStorage, gradOffset: entry.offset)
            entry.tensor.requiresGrad = true
        }
    }

    /// All values, flat (padding between parameters included, always 0 in the gradients).
    public var values: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: valueBuffer.pointer, count: count) }
    /// All gradients, flat, same layout as `values`.
    public var gradients: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: gradientStorage.pointer, count: count) }

    /// Sets every gradient to zero, in the same contiguous slices over the cores as the optimizers'
    /// element-wise steps (each core clears the lines it last read, instead of one core all of them).
    public func zeroGradients() {
        let gradients = SharedPointer(gradientStorage.pointer)
        forEachSlice(of: count, minimumPerSlice: elementwiseSliceMinimum) { slice in
            (gradients.pointer + slice.lowerBound).update(repeating: 0, count: slice.count)
        }
    }

    /// The number of trainable scalars (without alignment padding).
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.count } }

    /// The entry with this name, if any.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The flat range covering all parameters whose names start with `prefix` (they must be
    /// contiguous in the store, as a sub-module's are); nil if none match.
    public func range(prefix: String) -> Range<Int>? {
        let matching = entries.filter { $0.name.hasPrefix(prefix) }
        guard let first = matching.first, let last = matching.last else { return nil }
        return first.offset..<(last.offset + (last.count + 15) / 16 * 16)
    }
}
