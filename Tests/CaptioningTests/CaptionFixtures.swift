import Captioning
import Foundation
import XCTest

/// Paths to the committed fixtures in `Tests/Fixtures/captions` and helpers shared by the tests.
enum CaptionFixtures {
    /// `Tests/Fixtures/captions`, found from this source file.
    static let folder: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/captions").path

    /// The package root (the folder holding `Package.swift`).
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `Tests/Fixtures/captions/<relative>`.
    static func path(_ relative: String) -> String { folder + "/" + relative }
}

extension CaptionDataset {
    /// The image with this relative path, if read.
    func image(_ relativePath: String) -> CaptionedImage? {
        images.first { $0.relativePath == relativePath }
    }

    /// The issues as `(file name, line, kind)` triples, for compact assertions.
    var issuePlaces: [String] {
        issues.map { issue in
            let file = (issue.path as NSString).lastPathComponent
            return "\(file):\(issue.line.map(String.init) ?? "-"):\(issue.kind.rawValue):\(issue.skippedCount)"
        }
    }
}

/// Runs `body`, which must throw a `CaptionDatasetError`, and returns it (failing otherwise).
func captureDatasetError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> CaptionDatasetError? {
    do {
        try body()
        XCTFail("expected a CaptionDatasetError, nothing was thrown", file: file, line: line)
    } catch let error as CaptionDatasetError {
        return error
    } catch {
        XCTFail("expected a CaptionDatasetError, got \(error)", file: file, line: line)
    }
    return nil
}
