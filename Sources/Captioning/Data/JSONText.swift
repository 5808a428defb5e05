import FileOutput
/// Writes JSON string literals (for the files this module writes).
enum JSONText {
    /// `text` as a quoted JSON string, escaping quotes, backslashes and control characters.
    static func quoted(_ text: String) -> String { jsonStringLiteral(text) }
}
