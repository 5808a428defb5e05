import Kernels

/// Owned, 64-byte aligned Float memory. Tensors keep their `Buffer` alive and read through raw
/// pointers; parameters point into one shared buffer (see `ParameterStore`). Large blocks are
/// recycled through `BlockCache`.
public final class Buffer: @unchecked Sendable {
    /// The first element.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` elements set to `value`.
    public init(count: Int, value: Float = 0) {
        precondition(count >= 0, "a buffer cannot hold \(count) elements")
        self.count = count
        let raw = BlockCache.shared.allocate(bytes: max(count, 1) * MemoryLayout<Float>.stride)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        let pointer = pointer
        forEachSlice(of: max(count, 1), minimumPerSlice: 4 * elementwiseSliceMinimum) { r in
            (pointer + r.lowerBound).initialize(repeating: value, count: r.count)
        }
    }

    /// Allocates `count` elements without setting them, for a result every element of which is
    /// written before it is read.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "a buffer cannot hold \(count) elements")
        self.count = count
        let raw = BlockCache.shared.allocate(bytes: max(count, 1) * MemoryLayout<Float>.stride)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit {
        BlockCache.shared.free(UnsafeMutableRawPointer(pointer), bytes: max(count, 1) * MemoryLayout<Float>.stride)
    }
}
