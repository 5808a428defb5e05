import Synchronization

/// Freed large blocks kept for the next allocation of about the same size. A training step
/// allocates the same activations and gradients every time; without this each comes fresh from
/// the kernel, which maps and clears its pages on first touch (a fifth of a captioner step went
/// there). Sizes are rounded up to buckets of 1/8 of a power of two (at most 12.5% over), so
/// batches of slightly different lengths share blocks. Blocks of at least `minimumBytes` are
/// cached, `limitBytes` in all; a block that does not fit empties the cache first.
final class BlockCache: Sendable {
    static let shared = BlockCache()
    static let minimumBytes = 1 << 16
    static let limitBytes = 1 << 31

    private struct Store {
        var blocks: [Int: [Int]] = [:]   // addresses by bucket size
        var bytes = 0
    }
    private let store = Mutex(Store())

    /// The bucket a request of `bytes` is served from: `bytes` rounded up to a multiple of 1/8 of
    /// its power of two.
    static func bucket(_ bytes: Int) -> Int {
        guard bytes >= minimumBytes else { return bytes }
        let step = max(1, (1 << (Int.bitWidth - 1 - bytes.leadingZeroBitCount)) / 8)
        return (bytes + step - 1) / step * step
    }

    /// A block of at least `bytes` bytes (64-byte aligned), cached or new. Pass the same `bytes` to `free`.
    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = Self.bucket(bytes)
        if size >= Self.minimumBytes {
            let cached: Int? = store.withLock { store in
                guard let block = store.blocks[size]?.popLast() else { return nil }
                store.bytes -= size
                return block
            }
            if let cached, let block = UnsafeMutableRawPointer(bitPattern: cached) { return block }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    /// Keeps a block from `allocate(bytes:)` for reuse, or frees it when it is small.
    func free(_ block: UnsafeMutableRawPointer, bytes: Int) {
        let size = Self.bucket(bytes)
        guard size >= Self.minimumBytes, size <= Self.limitBytes else { block.deallocate(); return }
        let address = Int(bitPattern: block)
        let evicted: [Int] = store.withLock { store in
            var evicted: [Int] = []
            if store.bytes + size > Self.limitBytes {
                // Sizes not asked for lately fill the cache: start again.
                evicted = store.blocks.values.flatMap { $0 }
                store.blocks = [:]
                store.bytes = 0
            }
            store.blocks[size, default: []].append(address)
            store.bytes += size
            return evicted
        }
        for old in evicted { UnsafeMutableRawPointer(bitPattern: old)?.deallocate() }
    }
}
