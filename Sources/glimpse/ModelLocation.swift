import Foundation

/// Finds a bundled model folder (`models/NAME`) from any working directory: `$GLIMPSE_MODELS/NAME`,
/// `./models/NAME`, then the `models` folder of the checkout the executable was built in
/// (`<root>/.build/<config>/glimpse`).
enum ModelLocation {
    static func bundled(_ name: String) -> String? {
        var candidates: [String] = []
        if let root = ProcessInfo.processInfo.environment["GLIMPSE_MODELS"] { candidates.append(root + "/" + name) }
        candidates.append(FileManager.default.currentDirectoryPath + "/models/" + name)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("models/" + name).path)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/config.json") }
    }
}
