import CImageCodecs

/// The container formats Glimpse reads and writes. Reading detects the format from the first bytes
/// (PNG: `89 50 4E 47 0D 0A 1A 0A`, JPEG: `FF D8 FF`), never from a file name.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    /// Portable Network Graphics.
    case png = "PNG"
    /// JPEG (JFIF / Adobe).
    case jpeg = "JPEG"

    /// The format whose signature starts `bytes`, or `nil` for anything else.
    public static func detect(bytes: [UInt8]) -> ImageFormat? {
        bytes.withUnsafeBufferPointer { buffer in
            ImageFormat(codecFormat: gc_detect_format(buffer.baseAddress, buffer.count))
        }
    }

    /// The format a file name's extension asks for when writing: `.png`; `.jpg`, `.jpeg` (any case). `nil` otherwise.
    public static func forWriting(path: String) -> ImageFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "png": return .png
        case "jpg", "jpeg": return .jpeg
        default: return nil
        }
    }

    init?(codecFormat: gc_format) {
        switch codecFormat {
        case GC_FORMAT_PNG: self = .png
        case GC_FORMAT_JPEG: self = .jpeg
        default: return nil
        }
    }
}
