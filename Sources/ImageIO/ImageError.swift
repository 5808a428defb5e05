/// Why an image could not be read or written, and which file it was.
///
/// `description` is one line for a user: `"<file>: <what is wrong>"`, for example
/// `"photos/cat.png: truncated PNG: the data ends after 812 bytes, inside the IDAT chunk"` or
/// `"big.png: image too large: the PNG header declares 100000 x 100000 pixels; the limit is 30000 pixels a side and 100000000 pixels"`.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The path does not exist.
        case noSuchFile
        /// The file exists but cannot be read (permissions, a directory, an I/O error); the system's message.
        case unreadable(String)
        /// The bytes are neither PNG nor JPEG (an empty file, a text file named `.png`, ...); what was seen.
        case notAnImage(String)
        /// The data ends before the image does; the decoder's message.
        case truncated(ImageFormat, String)
        /// The data is damaged (bad CRC, bad Huffman code, invalid header, ...); the decoder's message.
        case corrupt(ImageFormat, String)
        /// The header declares more pixels than the decoder's limits allow; nothing was allocated.
        case tooLarge(ImageFormat, width: Int, height: Int, maximumSide: Int, maximumPixels: Int)
        /// A valid file of a kind that is not supported (12-bit or lossless JPEG, ...); the decoder's message.
        case unsupported(ImageFormat, String)
        /// The encoder failed; its message.
        case encodingFailed(ImageFormat, String)
        /// The file could not be written (the folder is missing, the disk is full, ...); the system's message.
        case writeFailed(String)
        /// A parameter was out of range (a JPEG quality of 0, a file name with no image extension, ...).
        case invalidArgument(String)
    }

    /// The file the error is about, or the name given for in-memory data; `nil` when there is neither.
    public var path: String?
    /// What went wrong.
    public var reason: Reason

    /// An error about `path` (or about unnamed data when `path` is `nil`).
    public init(path: String?, reason: Reason) {
        self.path = path; self.reason = reason
    }

    /// `"<file>: <what is wrong>"`, or `"image data: <what is wrong>"` without a name.
    public var description: String {
        "\(path ?? "image data"): \(reasonDescription)"
    }

    /// The part of `description` after the file name.
    public var reasonDescription: String {
        switch reason {
        case .noSuchFile:
            return "no such file"
        case .unreadable(let message):
            return "cannot read the file: \(message)"
        case .notAnImage(let message):
            return "not an image (unknown format: \(message))"
        case .truncated(let format, let message):
            return "truncated \(format.rawValue): \(message)"
        case .corrupt(let format, let message):
            return "corrupt \(format.rawValue): \(message)"
        case .tooLarge(let format, let width, let height, let maximumSide, let maximumPixels):
            return "image too large: the \(format.rawValue) header declares \(width) x \(height) pixels; "
                + "the limit is \(maximumSide) pixels a side and \(maximumPixels) pixels"
        case .unsupported(let format, let message):
            return "unsupported \(format.rawValue): \(message)"
        case .encodingFailed(let format, let message):
            return "could not encode \(format.rawValue): \(message)"
        case .writeFailed(let message):
            return "could not write the file: \(message)"
        case .invalidArgument(let message):
            return message
        }
    }
}
