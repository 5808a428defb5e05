import Synchronization

/// Freed large blocks kept for the next allocation of the same size. A training step allocates
/// the same activations and gradients every time; without this each comes fresh from the kernel,
/// which maps and clears its pages on first touch (a fifth of a captioner step went there).
/// Blocks of at least `minimumBytes` are cached, `limitBytes` in all; beyond that they are freed.
final class BlockCache: Sendable {
    static let shared = BlockCache()
    static let minimumBytes = 1 << 16
    static let limitBytes = 1 << 31

    private struct Store {
        var blocks: [Int: [Int]] = [:]   // addresses by byte count
        var bytes = 0
    }
    private let store = Mutex(Store())

    /// A cached block of exactly `bytes` bytes, or a new one (64-byte aligned).
    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        if bytes >= Self.minimumBytes {
            let cached: Int? = store.withLock { store in
                guard let block = store.blocks[bytes]?.popLast() else { return nil }
                store.bytes -= bytes
                return block
            }
            if let cached, let block = UnsafeMutableRawPointer(bitPattern: cached) { return block }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    }

    /// Keeps `block` for reuse, or frees it when it is small or the cache is full.
    func free(_ block: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= Self.minimumBytes {
            let address = Int(bitPattern: block)
            let kept = store.withLock { store -> Bool in
                guard store.bytes + bytes <= Self.limitBytes else { return false }
                store.blocks[bytes, default: []].append(address)
                store.bytes += bytes
                return true
            }
            if kept { return }
        }
        block.deallocate()
    }
}
