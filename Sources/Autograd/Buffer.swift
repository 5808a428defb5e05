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

    /// Allocates `count` zeroed elements with 128 bytes to spare after them, for memory one core
    /// writes while another writes a neighbouring allocation: no cache line, nor the pair of lines
    /// the hardware prefetcher fetches together, is then written by both (writes by two cores to
    /// lines near each other slowed batch-1 steps and the recurrent backward, the more the farther
    /// apart the cores were).
    public convenience init(unsharedCount count: Int) {
        self.init(count: count + 32)
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
