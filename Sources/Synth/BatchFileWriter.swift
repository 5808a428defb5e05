import FileOutput
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes many small files atomically with one flush to disk at the end, instead of `AtomicFile`'s two
/// `fsync` calls per file (thousands of those dominate the run time on a busy disk).
///
/// `write(bytes:to:)` puts the bytes in a temporary file beside `path` and renames it over `path`, so a
/// reader never sees a partial file; `flush()` then makes everything written so far durable
/// (one `sync`). Files written after the flush with `AtomicFile` (the dataset's
/// index files) therefore never point at images that a crash could lose.
enum BatchFileWriter {
    /// Writes `bytes` to `path` through a temporary file and `rename(2)`, without `fsync`.
    static func write(bytes: [UInt8], to path: String) throws(SynthError) {
        do {
            try AtomicFile.write(bytes: bytes, to: path, durable: false)
        } catch {
            throw SynthError.writeFailed(path: path, reason: error.reason)
        }
    }

    /// Flushes every file written so far to disk (`sync(2)`, which on Linux returns once the data is written).
    static func flush() {
        sync()
    }
}
