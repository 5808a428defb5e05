import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a file whole or not at all: the bytes go to a temporary file in the same folder, which is
/// flushed to disk (`fsync`) and then renamed over the destination (`rename(2)` is atomic within a file
/// system). A reader sees either the old file or the complete new one, never a partial write; on any
/// failure the temporary file is removed and the destination is untouched.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically (see the type's description). New files get mode 0666 minus the umask.
    /// With `durable: false` the `fsync` calls are left out (the file still appears whole or not at
    /// all); a writer of many files then makes them durable together with one `sync()`.
    public static func write<Bytes: ContiguousBytes>(bytes: Bytes, to path: String, durable: Bool = true) throws(FileWriteError) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else {
            throw FileWriteError(path: path, reason: "the path names a folder, not a file")
        }
        let temporary = "\(folder).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if descriptor < 0 {
            throw FileWriteError(path: path, reason: String(cString: strerror(errno)))
        }
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
        if durable && failure == 0 && fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw FileWriteError(path: path, reason: String(cString: strerror(failure)))
        }
        // Make the rename itself durable; a failure here does not undo the write, so it is not reported.
        guard durable else { return }
        let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }
}

/// `write(2)`, reachable from inside `AtomicFile` (whose own `write` would shadow it).
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// A file could not be written; nothing was changed at `path`.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String, reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "cannot write \(path): \(reason)" }
}
