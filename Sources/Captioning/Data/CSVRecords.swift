/// An RFC 4180 CSV reader that reports every record with the line it starts on.
///
/// Fields are separated by commas and records by `\r\n` or `\n`. A field that starts with a
/// double quote is quoted: it runs to the next lone double quote, may hold commas and line
/// breaks, and writes a double quote as `""`. A double quote inside an unquoted field is kept as
/// is (as Python's `csv` module does). Blank lines are skipped.
enum CSVRecords {
    /// One record, or why a stretch of the file is not one.
    enum Entry {
        /// A record's fields, starting on 1-based `line`.
        case record(line: Int, fields: [String])
        /// A record that cannot be read, starting on `line` and spanning `lineCount` lines.
        case malformed(line: Int, lineCount: Int, message: String)
    }

    /// The entries of `bytes`, in order. A leading UTF-8 byte-order mark is dropped.
    static func parse(_ bytes: [UInt8]) -> [Entry] {
        bytes.withUnsafeBufferPointer { parse(buffer: $0) }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) -> [Entry] {
        var entries: [Entry] = []
        let count = buffer.count
        var index = 0
        if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }
        var line = 1

        /// True at the end of a record: end of input, `\n`, or `\r\n`.
        func atRecordEnd(_ at: Int) -> Bool {
            at >= count || buffer[at] == newline || (buffer[at] == carriageReturn && (at + 1 >= count || buffer[at + 1] == newline))
        }
        /// Moves past the line break at `at` (if any); returns the index after it.
        func skipLineBreak(_ at: Int) -> Int {
            var position = at
            if position < count && buffer[position] == carriageReturn { position += 1 }
            if position < count && buffer[position] == newline { position += 1 }
            return position
        }

        while index < count {
            let recordLine = line
            if atRecordEnd(index) {  // blank line
                index = skipLineBreak(index)
                line += 1
                continue
            }
            var fields: [String] = []
            var failure: String?
            fieldLoop: while true {
                var fieldBytes: [UInt8]
                if buffer[index] == quote {
                    index += 1
                    fieldBytes = []
                    var closed = false
                    while index < count {
                        let byte = buffer[index]
                        if byte == quote {
                            if index + 1 < count && buffer[index + 1] == quote {
                                fieldBytes.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            closed = true
                            break
                        }
                        if byte == newline { line += 1 }
                        fieldBytes.append(byte)
                        index += 1
                    }
                    if !closed {
                        let spanned = line - recordLine + (buffer[count - 1] == newline ? 0 : 1)
                        entries.append(.malformed(line: recordLine, lineCount: spanned,
                            message: "the quoted field \(fields.count + 1) opened on this line is never closed; "
                                + "the rest of the file (\(spanned) line\(spanned == 1 ? "" : "s")) is skipped"))
                        return entries
                    }
                    if index < count && buffer[index] != comma && !atRecordEnd(index) {
                        failure = "unexpected \(describe(buffer[index])) after the closing quote of field \(fields.count + 1); "
                            + "write a double quote inside a quoted field as \"\""
                    }
                } else {
                    let start = index
                    while index < count && buffer[index] != comma && buffer[index] != newline { index += 1 }
                    var end = index
                    if (index >= count || buffer[index] == newline) && end > start && buffer[end - 1] == carriageReturn { end -= 1 }
                    fieldBytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<end]))
                }
                if failure != nil { break fieldLoop }
                guard let text = String(validating: fieldBytes, as: UTF8.self) else {
                    failure = "field \(fields.count + 1) is not valid UTF-8"
                    break fieldLoop
                }
                fields.append(text)
                if index < count && buffer[index] == comma {
                    index += 1
                    continue fieldLoop
                }
                break fieldLoop
            }
            if let failure {
                // Resynchronise at the next line break.
                while index < count && buffer[index] != newline { index += 1 }
                entries.append(.malformed(line: recordLine, lineCount: line - recordLine + 1, message: failure))
            } else {
                entries.append(.record(line: recordLine, fields: fields))
            }
            if index < count {
                index = skipLineBreak(index)
                line += 1
            }
        }
        return entries
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x20 { return "' '" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
