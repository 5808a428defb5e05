/// Owned, 64-byte aligned Float memory. Tensors keep their `Buffer` alive and read through raw
/// pointers; parameters point into one shared buffer (see `ParameterStore`).
public final class Buffer: @unchecked Sendable {
    /// The first element.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` elements set to `value`.
    public init(count: Int, value: Float = 0) {
        precondition(count >= 0, "a buffer cannot hold \(count) elements")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: value, count: max(count, 1))
    }

    /// Allocates `count` elements without setting them, for a result every element of which is
    /// written before it is read.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "a buffer cannot hold \(count) elements")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
