/// Loading a JSON file with errors that name the file, line and column.
enum JSONFile {
    /// The parsed document at `path`. A syntax error becomes `.invalidJSON` at its line.
    static func load(_ path: String) throws(CaptionDatasetError) -> JSONNode {
        let bytes = try TextFile.bytes(of: path)
        do {
            return try JSONDocument.parse(bytes)
        } catch {
            throw CaptionDatasetError(.invalidJSON, path: path, line: error.line,
                                      message: "invalid JSON at column \(error.column): \(error.message)")
        }
    }
}
