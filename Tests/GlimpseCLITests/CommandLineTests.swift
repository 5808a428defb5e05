import Foundation
import XCTest

/// The `glimpse` executable as a user runs it: bad input ends in one clear message naming the
/// file and a non-zero exit; a small end-to-end run trains, captions, draws attention and evaluates.
final class CommandLineTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/release/glimpse").path
    var scratch: String!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw XCTSkip("\(Self.binary) is not built (run `swift build -c release` or `make test`)")
        }
        scratch = NSTemporaryDirectory() + "glimpse-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// Runs glimpse with `arguments`; returns exit status and standard output + error.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = scratch + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func testEndToEndOnSyntheticScenesAndBadInputs() throws {
        let data = scratch + "/shapes", model = scratch + "/model"
        var r = try run(["synth", "--out", data, "--count", "24", "--side", "32", "--seed", "3", "--train-fraction", "0.75", "--val-fraction", "0.25"])
        XCTAssertEqual(r.status, 0, r.output)
        r = try run(["train", "--data", data, "--out", model, "--image-size", "32", "--epochs", "1", "--batch-size", "6",
                     "--features", "16", "--embedding", "16", "--attention-size", "16", "--hidden", "32", "--min-word-count", "1",
                     "--select-by", "truth+grounding"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("epoch 1: train loss"), r.output)
        // On synthetic scenes validation also scores truth, here the metric that picks the best weights.
        XCTAssertTrue(r.output.contains("truth 0.") || r.output.contains("truth 1.0"), r.output)
        XCTAssertTrue(r.output.contains("best validation truth+grounding"), r.output)
        let metrics = try String(contentsOfFile: model + "/metrics.json", encoding: .utf8)
        XCTAssertTrue(metrics.contains("\"selectionMetric\" : \"truth+grounding\""), metrics)
        for file in ["config.json", "vocab.json", "weights.safetensors", "checkpoint.safetensors", "metrics.json", "log.jsonl", "training.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: model + "/" + file), "missing \(file)")
        }
        let image = data + "/images/000000.png"
        r = try run(["caption", "--model", model, "--beam", "3", "--n-best", "2", "--json", image])
        XCTAssertEqual(r.status, 0, r.output)
        let json = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [[String: Any]]
        XCTAssertEqual((json?.first?["captions"] as? [Any])?.count, 2)
        r = try run(["attention", "--model", model, image, "--out", scratch + "/attention"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/attention/grid.png"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/attention/alphas.json"))
        r = try run(["score", "--model", model, image, "a small red circle"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("log-probability"), r.output)
        r = try run(["evaluate", "--model", model, "--data", data, "--split", "val", "--show-false", "2"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("CIDEr") && r.output.contains("entirely true of their scene"), r.output)
        // The false captions listed (at most 2), each with the checker's reason, whenever any is false.
        let listed = r.output.split(separator: "\n").filter { $0.hasPrefix("not true: ") }
        XCTAssertLessThanOrEqual(listed.count, 2, r.output)
        if !r.output.contains("entirely true of their scene: 100.0%") { XCTAssertGreaterThan(listed.count, 0, r.output) }

        // Bad inputs: one clear message naming the file, non-zero exit.
        let notImage = write("photo.png", Array("just text".utf8))
        r = try run(["caption", "--model", model, notImage])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("photo.png") && r.output.contains("not an image"), r.output)
        r = try run(["caption", "--model", scratch + "/nowhere", image])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("nowhere/config.json") && r.output.contains("missing"), r.output)
        r = try run(["score", "--model", model, scratch + "/missing.jpg", "a dog"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("missing.jpg") && !r.output.contains("Fatal error"), r.output)
        r = try run(["attention", "--model", model, image, "--out", scratch + "/a2", "--panel-size", "0"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("--panel-size"), r.output)
        r = try run(["train", "--data", data, "--out", scratch + "/m2", "--hidden", "0"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("must be positive") && !r.output.contains("Fatal error"), r.output)
        r = try run(["train", "--data", data, "--out", scratch + "/m3", "--select-by", "meteor"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("--select-by is cider, bleu4, truth or grounding"), r.output)
        r = try run(["train", "--data", data, "--out", scratch + "/m3", "--select-by", "truth+"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("--select-by is cider, bleu4, truth or grounding"), r.output)
        // A truncated checkpoint.
        let weights = model + "/weights.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: weights))
        r = try run(["caption", "--model", model, image])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("weights.safetensors"), r.output)
        // A checkpoint of another shape (config says another hidden size).
        try bytes.write(to: URL(fileURLWithPath: weights))
        var config = try String(contentsOfFile: model + "/config.json", encoding: .utf8)
        config = config.replacingOccurrences(of: "\"hiddenSize\" : 32", with: "\"hiddenSize\" : 40")
        try config.write(toFile: model + "/config.json", atomically: true, encoding: .utf8)
        r = try run(["caption", "--model", model, image])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("shape"), r.output)
    }

    func testLanguageModelCommandsAndBadText() throws {
        let text = write("corpus.txt", Array(String(repeating: "the cat sat on the mat.\n", count: 60).utf8))
        let model = scratch + "/lm"
        var r = try run(["lm", "train", text, "--out", model, "--hidden", "16", "--layers", "1", "--embedding", "8",
                         "--epochs", "2", "--seq-length", "16", "--batch-size", "4"])
        XCTAssertEqual(r.status, 0, r.output)
        r = try run(["lm", "sample", "--model", model, "--length", "40", "--seed", "1", "--prime", "the "])
        XCTAssertEqual(r.status, 0, r.output)
        let again = try run(["lm", "sample", "--model", model, "--length", "40", "--seed", "1", "--prime", "the "])
        XCTAssertEqual(r.output, again.output, "a seeded sample must repeat")
        r = try run(["lm", "score", "--model", model, "--json", "the cat"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("perplexity"), r.output)
        r = try run(["lm", "neurons", "--model", model, "--text", text, "--out", scratch + "/n.html", "--max-chars", "100"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/n.png"))
        let bad = write("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x0A])
        r = try run(["lm", "train", bad, "--out", scratch + "/x"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("latin1.txt") && r.output.contains("not UTF-8"), r.output)
        r = try run(["lm", "train", text, "--out", scratch + "/z", "--lr-plateau", "1"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("--lr-plateau") && !r.output.contains("Fatal error"), r.output)
        r = try run(["lm", "neurons", "--model", model, "--text", text, "--out", scratch + "/n2.html", "--max-chars", "-1"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("--max-chars"), r.output)
        let empty = write("empty.txt", [])
        r = try run(["lm", "train", empty, "--out", scratch + "/y"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("empty.txt") && r.output.contains("empty"), r.output)
    }

    /// Ctrl-C during training saves a checkpoint and exits cleanly (status 130); `--resume` continues.
    func testInterruptSavesAndResumeContinues() throws {
        let text = write("corpus.txt", Array(String(repeating: "a quick brown fox jumps over the lazy dog.\n", count: 400).utf8))
        let model = scratch + "/lm"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["lm", "train", text, "--out", model, "--hidden", "64", "--layers", "2", "--embedding", "16",
                             "--epochs", "500", "--seq-length", "32", "--batch-size", "8"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Wait for the first finished epoch (a checkpoint exists), then interrupt.
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: model + "/checkpoint.safetensors") && Date() < deadline { usleep(50_000) }
        usleep(200_000)
        process.interrupt()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, output)
        XCTAssertTrue(output.contains("interrupted"), output)
        let resumed = try run(["lm", "train", text, "--out", model, "--resume", "--epochs", "3"])
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertTrue(resumed.output.contains("resuming"), resumed.output)
    }
}
