import Foundation

/// Reading a whole file as bytes or as numbered lines, with errors that name the file.
enum TextFile {
    /// The file's bytes. Throws `.notFound` or `.unreadable` naming `path`.
    static func bytes(of path: String) throws(CaptionDatasetError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CaptionDatasetError(.notFound, path: path, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw CaptionDatasetError(.unreadable, path: path, message: "is a folder, not a file")
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CaptionDatasetError(.unreadable, path: path, message: "cannot read: \(error.localizedDescription)")
        }
    }

    /// One line of a text file: its 1-based number and its text without the line break (`\n`
    /// or `\r\n`), or nil text when the line is not valid UTF-8.
    struct Line {
        /// The 1-based line number.
        let number: Int
        /// The text, or nil for bytes that are not UTF-8.
        let text: String?
    }

    /// The file's lines. A UTF-8 byte-order mark at the start is dropped; a final line break
    /// does not make an extra empty line.
    static func lines(of path: String) throws(CaptionDatasetError) -> [Line] {
        lines(in: try bytes(of: path))
    }

    /// The lines of `bytes` (see `lines(of:)`).
    static func lines(in bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            var number = 1
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                var contentEnd = end
                if contentEnd > start && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                let text = String(validating: UnsafeBufferPointer(rebasing: buffer[start..<contentEnd]), as: UTF8.self)
                result.append(Line(number: number, text: text))
                number += 1
                start = end + 1
            }
        }
        return result
    }
}
