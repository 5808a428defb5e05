import ArgumentParser
import Foundation
import Synth

/// `glimpse synth`: a deterministic synthetic captioning dataset.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "synth",
        abstract: "Generate synthetic scenes of coloured shapes with captions and boxes (train/val/test splits).")

    @Option(help: "Output folder (images/, dataset_synth.json, captions.tsv, boxes.jsonl).")
    var out: String

    @Option(help: "Number of scenes.")
    var count = 5000

    @Option(help: "Image side in pixels.")
    var side = 64

    @Option(help: "Seed: the same seed gives the same files.")
    var seed: UInt64 = 0

    @Option(name: .customLong("hold-out"), help: "Colour-shape pairs kept out of training, e.g. \"red circle,blue triangle\" (they form test_compositional).")
    var holdOut = ""

    @Option(name: .customLong("train-fraction"), help: "Share of training scenes.")
    var trainFraction = 0.8

    @Option(name: .customLong("val-fraction"), help: "Share of validation scenes.")
    var validationFraction = 0.1

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard trainFraction > 0, validationFraction >= 0, trainFraction + validationFraction <= 1 else {
            throw ValidationError("--train-fraction and --val-fraction must be positive and add up to at most 1")
        }
    }

    func run() throws {
        let pairs = holdOut.isEmpty ? [] : try ColorShapePair.parseList(holdOut)
        let splits = SplitFractions(train: trainFraction, validation: validationFraction, test: max(0, 1 - trainFraction - validationFraction))
        let start = Date()
        var last = Date.distantPast
        let summary = try SynthDataset.generate(count: count, side: side, seed: seed, splits: splits, holdOut: pairs, to: out) { p in
            if Date().timeIntervalSince(last) > 1 || p.completed == p.total {
                last = Date()
                print("\r\(p.completed)/\(p.total) scenes", terminator: p.completed == p.total ? "\n" : "")
                fflush(nil)
            }
        }
        let splitText = summary.imagesPerSplit.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        print(String(format: "wrote %d scenes (%@) with %d captions to %@ in %.1f s", count, splitText, summary.captionCount, out, Date().timeIntervalSince(start)))
    }
}
