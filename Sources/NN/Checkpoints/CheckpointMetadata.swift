/// Counters and generator states kept in a checkpoint's `__metadata__` strings.
extension SafetensorsFile {
    /// The metadata value `key` parsed as `T`; throws naming `path` and the key when it is
    /// missing or malformed.
    public func metadataValue<T: LosslessStringConvertible>(_ key: String, path: String) throws -> T {
        guard let text = metadata[key] else { throw SafetensorsError(path: path, reason: "checkpoint has no '\(key)'") }
        guard let value = T(text) else { throw SafetensorsError(path: path, reason: "checkpoint field '\(key)' is malformed: \(text)") }
        return value
    }
}

extension SeededGenerator {
    /// The state as text for checkpoint metadata: the four words, comma-separated.
    public var stateText: String { state.map(String.init).joined(separator: ",") }

    /// A generator restored from `stateText`; nil when the text is not four words.
    public init?(stateText: String) {
        let words = stateText.split(separator: ",").compactMap { UInt64($0) }
        guard words.count == 4 else { return nil }
        self.init(state: words)
    }
}
