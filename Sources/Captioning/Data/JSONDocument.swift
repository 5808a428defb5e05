/// A parsed JSON value that remembers the 1-based line it starts on, so that readers can name
/// the line of a bad entry. Foundation's `JSONSerialization` forgets positions; this parser keeps
/// them and reports syntax errors with line and column.
struct JSONNode: Sendable {
    /// The value itself. Objects keep the last of duplicate keys.
    enum Value: Sendable {
        case object([String: JSONNode])
        case array([JSONNode])
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
    }

    /// The value.
    var value: Value
    /// The 1-based line of the value's first character.
    var line: Int

    /// The member `key` of an object; nil for a missing key or a non-object.
    subscript(key: String) -> JSONNode? {
        if case .object(let members) = value { return members[key] }
        return nil
    }

    /// The members, if this is an object.
    var object: [String: JSONNode]? {
        if case .object(let members) = value { return members }
        return nil
    }

    /// The elements, if this is an array.
    var array: [JSONNode]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    /// The text, if this is a string.
    var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// The number as an `Int`, if this is a number with no fractional part that fits.
    var integer: Int? {
        if case .number(let number) = value, number.rounded() == number, abs(number) <= 9_007_199_254_740_992 {
            return Int(number)
        }
        return nil
    }

    /// The elements as strings, if this is an array of strings only.
    var strings: [String]? {
        guard let elements = array else { return nil }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let text = element.string else { return nil }
            result.append(text)
        }
        return result
    }

    /// "an object", "a string", … for messages such as "expected an array, found a string".
    var kindName: String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// A JSON syntax error at a 1-based line and column (columns count bytes).
struct JSONSyntaxError: Error, Sendable {
    let line: Int
    let column: Int
    let message: String
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes that records lines (see `JSONNode`).
enum JSONDocument {
    /// Parses `bytes` (a leading UTF-8 byte-order mark is allowed). Nesting deeper than 512
    /// levels is an error rather than a stack overflow.
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        let result: Result<JSONNode, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            do throws(JSONSyntaxError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var line = 1
        var lineStart = 0
        static let maximumDepth = 512

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                index = 3
                lineStart = 3
            }
        }

        mutating func parseDocument() throws(JSONSyntaxError) -> JSONNode {
            skipWhiteSpace()
            let node = try parseValue(depth: 0)
            skipWhiteSpace()
            if index < bytes.count { throw error("unexpected \(describe(bytes[index])) after the end of the JSON value") }
            return node
        }

        func error(_ message: String) -> JSONSyntaxError {
            JSONSyntaxError(line: line, column: index - lineStart + 1, message: message)
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        mutating func skipWhiteSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D:
                    index += 1
                case 0x0A:
                    index += 1
                    line += 1
                    lineStart = index
                default:
                    return
                }
            }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
            skipWhiteSpace()
            guard index < bytes.count else { throw error("unexpected end of file; expected \(what)") }
            guard bytes[index] == byte else { throw error("expected \(what), found \(describe(bytes[index]))") }
            index += 1
        }

        mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONNode {
            guard index < bytes.count else { throw error("unexpected end of file; expected a value") }
            let startLine = line
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
                return JSONNode(value: .object(try parseObject(depth: depth + 1)), line: startLine)
            case UInt8(ascii: "["):
                guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
                return JSONNode(value: .array(try parseArray(depth: depth + 1)), line: startLine)
            case UInt8(ascii: "\""):
                return JSONNode(value: .string(try parseString()), line: startLine)
            case UInt8(ascii: "t"):
                try parseLiteral("true")
                return JSONNode(value: .bool(true), line: startLine)
            case UInt8(ascii: "f"):
                try parseLiteral("false")
                return JSONNode(value: .bool(false), line: startLine)
            case UInt8(ascii: "n"):
                try parseLiteral("null")
                return JSONNode(value: .null, line: startLine)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return JSONNode(value: .number(try parseNumber()), line: startLine)
            default:
                throw error("unexpected \(describe(bytes[index])); expected a value")
            }
        }

        mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> [String: JSONNode] {
            index += 1  // {
            var members: [String: JSONNode] = [:]
            skipWhiteSpace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                index += 1
                return members
            }
            while true {
                skipWhiteSpace()
                guard index < bytes.count else { throw error("unexpected end of file inside an object") }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a quoted member name, found \(describe(bytes[index]))")
                }
                let key = try parseString()
                try expect(UInt8(ascii: ":"), "':' after the member name \"\(key)\"")
                skipWhiteSpace()
                members[key] = try parseValue(depth: depth)
                skipWhiteSpace()
                guard index < bytes.count else { throw error("unexpected end of file inside an object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return members
                }
                throw error("expected ',' or '}' in an object, found \(describe(bytes[index]))")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [JSONNode] {
            index += 1  // [
            var elements: [JSONNode] = []
            skipWhiteSpace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            while true {
                skipWhiteSpace()
                elements.append(try parseValue(depth: depth))
                skipWhiteSpace()
                guard index < bytes.count else { throw error("unexpected end of file inside an array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return elements
                }
                throw error("expected ',' or ']' in an array, found \(describe(bytes[index]))")
            }
        }

        mutating func parseLiteral(_ word: StaticString) throws(JSONSyntaxError) {
            let count = word.utf8CodeUnitCount
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
            guard index + count <= bytes.count, (0..<count).allSatisfy({ bytes[index + $0] == expected[$0] }) else {
                throw error("unexpected \(describe(bytes[index])); expected a value")
            }
            index += count
        }

        mutating func parseNumber() throws(JSONSyntaxError) -> Double {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
            guard isDigit(index) else { throw error("expected a digit in a number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if isDigit(index) { throw error("numbers may not have leading zeros") }
            } else {
                while isDigit(index) { index += 1 }
            }
            var isInteger = true
            if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard isDigit(index) else { throw error("expected a digit after the decimal point") }
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
                isInteger = false
                index += 1
                if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
                guard isDigit(index) else { throw error("expected a digit in the exponent") }
                while isDigit(index) { index += 1 }
            }
            if isInteger && index - start <= 16 {
                var value = 0
                var position = start
                let negative = bytes[position] == UInt8(ascii: "-")
                if negative { position += 1 }
                while position < index {
                    value = value * 10 + Int(bytes[position] - 0x30)
                    position += 1
                }
                return Double(negative ? -value : value)
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else { throw error("number \(text) is out of range") }
            return value
        }

        mutating func parseString() throws(JSONSyntaxError) -> String {
            index += 1  // opening quote
            let start = index
            // Fast path: no escapes.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    guard let text = String(validating: slice, as: UTF8.self) else {
                        throw error("string is not valid UTF-8")
                    }
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character \(describe(byte)) inside a string (unterminated string?)") }
                index += 1
            }
            guard index < bytes.count else { throw error("unterminated string") }
            var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    guard let text = String(validating: buffer, as: UTF8.self) else {
                        throw error("string is not valid UTF-8")
                    }
                    return text
                }
                if byte < 0x20 { throw error("control character \(describe(byte)) inside a string (unterminated string?)") }
                if byte != UInt8(ascii: "\\") {
                    buffer.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired UTF-16 surrogate in \\u escape")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired UTF-16 surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw error("unpaired UTF-16 surrogate in \\u escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    index -= 1
                    throw error("invalid escape \\\(describe(escape))")
                }
            }
            throw error("unterminated string")
        }

        mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("unterminated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw error("expected 4 hexadecimal digits after \\u")
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }
    }
}
