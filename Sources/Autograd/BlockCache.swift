import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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

    /// A cached block and the thread that freed it.
    private struct Cached {
        let address: Int
        let thread: pthread_t
    }
    private struct Store {
        var blocks: [Int: [Cached]] = [:]   // by bucket size, the last freed last
        var bytes = 0
    }
    /// How far back `allocate` looks for a block the calling thread freed.
    private static let ownBlockSearch = 8
    private let store = Mutex(Store())

    /// The bucket a request of `bytes` is served from: `bytes` rounded up to a multiple of 1/8 of
    /// its power of two.
    static func bucket(_ bytes: Int) -> Int {
        guard bytes >= minimumBytes else { return bytes }
        let step = max(1, (1 << (Int.bitWidth - 1 - bytes.leadingZeroBitCount)) / 8)
        return (bytes + step - 1) / step * step
    }

    /// A block of at least `bytes` bytes (64-byte aligned), cached or new. Pass the same `bytes` to `free`.
    /// Of the cached blocks of its size, the last one the calling thread freed comes first: a
    /// core's scratch (a row block's packed weights, say) then reuses memory that core wrote last,
    /// still in its own cache. (Taking the last one freed by any thread, the two cores of a
    /// recurrence traded their packed weights at every step of training, each then writing lines
    /// the other held.)
    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = Self.bucket(bytes)
        if size >= Self.minimumBytes {
            let me = pthread_self()
            let cached: Int? = store.withLock { store in
                // The index is found first, so that the list is then changed in place (not copied).
                let found: Int? = store.blocks[size].flatMap { list in
                    guard !list.isEmpty else { return nil }
                    let searched = list.indices.suffix(Self.ownBlockSearch)
                    return searched.last(where: { pthread_equal(list[$0].thread, me) != 0 }) ?? list.index(before: list.endIndex)
                }
                guard let index = found else { return nil }
                store.bytes -= size
                return store.blocks[size]!.remove(at: index).address
            }
            if let cached, let block = UnsafeMutableRawPointer(bitPattern: cached) { return block }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    /// Keeps a block from `allocate(bytes:)` for reuse, or frees it when it is small.
    func free(_ block: UnsafeMutableRawPointer, bytes: Int) {
        let size = Self.bucket(bytes)
        guard size >= Self.minimumBytes, size <= Self.limitBytes else { block.deallocate(); return }
        let address = Int(bitPattern: block), me = pthread_self()
        let evicted: [Int] = store.withLock { store in
            var evicted: [Int] = []
            if store.bytes + size > Self.limitBytes {
                // Sizes not asked for lately fill the cache: start again.
                evicted = store.blocks.values.flatMap { $0.map(\.address) }
                store.blocks = [:]
                store.bytes = 0
            }
            store.blocks[size, default: []].append(Cached(address: address, thread: me))
            store.bytes += size
            return evicted
        }
        for old in evicted { UnsafeMutableRawPointer(bitPattern: old)?.deallocate() }
    }
}
