import FileOutput
import Foundation

/// The safetensors format (as Hugging Face's `safetensors` package reads and writes it):
/// an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`
/// (padded with spaces to a multiple of 8), then the raw little-endian tensor bytes, offsets
/// relative to the end of the header.
public struct SafetensorsFile {
    /// Element types this reader knows. Writing uses F32 and I64.
    public enum DType: String, Sendable, CaseIterable {
        case F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL
        public var size: Int {
            switch self {
            case .F64, .I64: return 8
            case .F32, .I32: return 4
            case .F16, .BF16, .I16: return 2
            case .I8, .U8, .BOOL: return 1
            }
        }
    }

    /// One stored tensor: element type, shape, and raw little-endian bytes.
    public struct Entry: Equatable {
        public let dtype: DType
        public let shape: [Int]
        public let bytes: Data

        public init(dtype: DType, shape: [Int], bytes: Data) {
            self.dtype = dtype; self.shape = shape; self.bytes = bytes
        }

        /// An F32 entry from values.
        public init(floats: [Float], shape: [Int]) {
            precondition(floats.count == shape.reduce(1, *), "\(floats.count) values do not fill shape \(shape)")
            self.dtype = .F32; self.shape = shape
            self.bytes = floats.withUnsafeBufferPointer { Data(buffer: $0) }
        }

        /// An I64 entry from values.
        public init(int64s: [Int64], shape: [Int]) {
            precondition(int64s.count == shape.reduce(1, *), "\(int64s.count) values do not fill shape \(shape)")
            self.dtype = .I64; self.shape = shape
            self.bytes = int64s.withUnsafeBufferPointer { Data(buffer: $0) }
        }

        /// Number of elements.
        public var count: Int { shape.reduce(1, *) }

        /// The values as Float (F32 as is; F64, integer and bool types converted). Nil for F16/BF16.
        public var floats: [Float]? {
            switch dtype {
            case .F32: return decode(Float.self)
            case .F64: return decode(Double.self).map { Float($0) }
            case .I64, .I32, .I16, .I8, .U8, .BOOL: return integers?.map { Float($0) }
            case .F16, .BF16: return nil
            }
        }

        /// The values as Int64 for integer and bool types; nil for floating types.
        public var integers: [Int64]? {
            switch dtype {
            case .I64: return decode(Int64.self)
            case .I32: return decode(Int32.self).map { Int64($0) }
            case .I16: return decode(Int16.self).map { Int64($0) }
            case .I8: return decode(Int8.self).map { Int64($0) }
            case .U8, .BOOL: return decode(UInt8.self).map { Int64($0) }
            default: return nil
            }
        }

        /// Writes the values as Float into `target` (`count` of them), as `floats` gives them.
        public func copyFloats(into target: UnsafeMutablePointer<Float>) {
            if dtype == .F32 {
                _ = bytes.copyBytes(to: UnsafeMutableRawBufferPointer(start: target, count: count * MemoryLayout<Float>.stride))
            } else if let values = floats {
                target.update(from: values, count: values.count)
            }
        }

        /// The bytes copied into an array of `T` (no alignment assumption on the source).
        func decode<T: FixedWidthInteger>(_: T.Type) -> [T] {
            var out = [T](repeating: 0, count: bytes.count / MemoryLayout<T>.size)
            out.withUnsafeMutableBytes { _ = bytes.copyBytes(to: $0) }
            return out
        }

        func decode<T: BinaryFloatingPoint>(_: T.Type) -> [T] {
            var out = [T](repeating: 0, count: bytes.count / MemoryLayout<T>.size)
            out.withUnsafeMutableBytes { _ = bytes.copyBytes(to: $0) }
            return out
        }
    }

    /// Tensors by name.
    public var tensors: [String: Entry]
    /// Free-form string metadata (`__metadata__`).
    public var metadata: [String: String]

    public init(tensors: [String: Entry] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors; self.metadata = metadata
    }

    /// Reads and validates a file. Every problem (missing, truncated, corrupt header, offsets out
    /// of range, sizes that do not match the shape) throws a `SafetensorsError` naming the file.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SafetensorsError(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        try self.init(data: data, path: path)
    }

    /// Parses the bytes of a safetensors file; `path` only names it in errors.
    public init(data: Data, path: String = "<memory>") throws {
        func fail(_ reason: String) -> SafetensorsError { SafetensorsError(path: path, reason: reason) }
        guard data.count >= 8 else { throw fail("file is \(data.count) bytes, too short for a safetensors header") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header claims \(headerLength) bytes but the file has only \(data.count - 8) after the length (truncated or not safetensors)")
        }
        let headerEnd = 8 + Int(headerLength)
        let headerData = data.subdata(in: 8..<headerEnd)
        guard let json = try? JSONSerialization.jsonObject(with: headerData), let header = json as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        let payload = data.count - headerEnd
        var tensors: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dictionary = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (k, v) in dictionary {
                    guard let s = v as? String else { throw fail("__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw fail("entry '\(name)' is not an object") }
            guard let dtypeName = info["dtype"] as? String else { throw fail("entry '\(name)' has no dtype") }
            guard let dtype = DType(rawValue: dtypeName) else { throw fail("entry '\(name)' has unsupported dtype \(dtypeName)") }
            guard let shapeValues = info["shape"] as? [Any] else { throw fail("entry '\(name)' has no shape") }
            var shape: [Int] = []
            for d in shapeValues {
                guard let n = (d as? NSNumber)?.intValue, n >= 0, n < 1 << 40 else { throw fail("entry '\(name)' has a bad shape \(shapeValues)") }
                shape.append(n)
            }
            guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = (offsets[0] as? NSNumber)?.intValue, let end = (offsets[1] as? NSNumber)?.intValue else {
                throw fail("entry '\(name)' has no valid data_offsets")
            }
            guard begin >= 0, begin <= end, end <= payload else {
                throw fail("entry '\(name)' data [\(begin), \(end)) lies outside the \(payload) data bytes (truncated?)")
            }
            var elements = 1
            for d in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else { throw fail("entry '\(name)' shape \(shape) is too large") }
                elements = product
            }
            let (byteCount, tooLarge) = elements.multipliedReportingOverflow(by: dtype.size)
            guard !tooLarge else { throw fail("entry '\(name)' shape \(shape) is too large") }
            guard byteCount == end - begin else {
                throw fail("entry '\(name)' has \(end - begin) bytes but \(dtype.rawValue) \(shape) needs \(elements * dtype.size)")
            }
            // A slice: the entry shares the file's bytes instead of copying them.
            tensors[name] = Entry(dtype: dtype, shape: shape, bytes: data[(data.startIndex + headerEnd + begin)..<(data.startIndex + headerEnd + end)])
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The file's bytes: tensors in name order, header padded with spaces to a multiple of 8.
    public func serialized() -> Data {
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonStringLiteral($0)):\(jsonStringLiteral(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let e = tensors[name]!
            let shape = e.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonStringLiteral(name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}")
            offset += e.bytes.count
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Data(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = Data(capacity: 8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(headerBytes)
        for name in names { out.append(tensors[name]!.bytes) }
        return out
    }

    /// Writes the file atomically (temporary file, fsync, rename).
    public func write(to path: String) throws {
        try AtomicFile.write(bytes: serialized(), to: path)
    }
}

/// A safetensors file that could not be read or did not match what was expected.
public struct SafetensorsError: Error, CustomStringConvertible {
    public let path: String, reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
}
