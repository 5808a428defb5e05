#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a whole file into memory with POSIX calls, reporting failures as `ImageError`s that name the file.
public enum FileBytes {
    /// The whole content of the file at `path`.
    ///
    /// Throws `.noSuchFile` when it does not exist, `.unreadable` for a directory, missing permission or an
    /// I/O error, and `.unreadable` when the file is larger than `maximumBytes`.
    public static func read(path: String, maximumBytes: Int = 1 << 30) throws(ImageError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            throw ImageError(path: path, reason: code == ENOENT || code == ENOTDIR ? .noSuchFile : .unreadable(systemMessage(code)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ImageError(path: path, reason: .unreadable(systemMessage(errno)))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw ImageError(path: path, reason: .unreadable("it is a directory"))
        }
        let expected = Int(status.st_size)
        if expected > maximumBytes {
            throw ImageError(path: path, reason: .unreadable("the file has \(expected) bytes, over the limit of \(maximumBytes)"))
        }
        var bytes = [UInt8]()
        var chunk = max(expected, 0) + 1 // one more byte than announced, to see the end (or a file that grew)
        var failure: Int32 = 0
        while failure == 0 {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: chunk))
            var filled = 0
            let got: Int = bytes.withUnsafeMutableBytes { raw in
                while filled < chunk {
                    let count = systemRead(descriptor, raw.baseAddress! + start + filled, chunk - filled)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return filled
                    }
                    if count == 0 { return filled }
                    filled += count
                }
                return filled
            }
            bytes.removeLast(chunk - got)
            if got < chunk { break }
            if bytes.count > maximumBytes {
                throw ImageError(path: path, reason: .unreadable("the file has more than \(maximumBytes) bytes"))
            }
            chunk = max(bytes.count, 65_536)
        }
        if failure != 0 { throw ImageError(path: path, reason: .unreadable(systemMessage(failure))) }
        return bytes
    }

    /// The C library's text for `errno` value `code` ("Permission denied", ...).
    static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `read(2)`, reachable from inside `FileBytes` (whose own `read` would shadow it).
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
