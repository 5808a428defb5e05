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
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(folder).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw SynthError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = systemWrite(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += count
            }
        }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw SynthError.writeFailed(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// Flushes every file written so far to disk (`sync(2)`, which on Linux returns once the data is written).
    static func flush() {
        sync()
    }
}

/// `write(2)`, reachable from inside `BatchFileWriter` (whose own `write` would shadow it).
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
