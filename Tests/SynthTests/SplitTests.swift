import Foundation
import Synth
import XCTest

final class SplitTests: XCTestCase {
    func testDefaultFractionsAndRounding() throws {
        let fractions = SplitFractions()
        try fractions.validate()
        let plain = fractions.assign(count: 5000, holdingOut: false)
        XCTAssertEqual(counts(plain), [.train: 4000, .val: 500, .test: 500])
        let held = fractions.assign(count: 5000, holdingOut: true)
        XCTAssertEqual(counts(held), [.train: 3600, .val: 450, .test: 450, .testCompositional: 500])
        XCTAssertEqual(held.first, .train)
        XCTAssertEqual(held.last, .testCompositional)
        for count in [1, 2, 3, 7, 11, 999] {
            XCTAssertEqual(fractions.assign(count: count, holdingOut: true).count, count)
            XCTAssertEqual(SplitFractions(train: 1, validation: 1, test: 1).assign(count: count, holdingOut: false).count, count)
        }
        XCTAssertEqual(counts(SplitFractions(train: 2, validation: 1, test: 0).assign(count: 9, holdingOut: false)), [.train: 6, .val: 3])
    }

    func testInvalidFractionsAreRejected() {
        for fractions in [SplitFractions(train: -0.1), SplitFractions(train: 0, validation: 0, test: 0),
                          SplitFractions(compositional: 1), SplitFractions(test: .nan)] {
            XCTAssertThrowsError(try fractions.validate(), "\(fractions)")
        }
    }

    func testHoldOutListParsing() throws {
        XCTAssertEqual(try ColorShapePair.parseList("red circle, Blue  Triangle,red circle"),
                       [ColorShapePair(color: .red, shape: .circle), ColorShapePair(color: .blue, shape: .triangle)])
        XCTAssertEqual(try ColorShapePair.parseList(""), [])
        XCTAssertEqual(try ColorShapePair.parseList("  "), [])
        for bad in ["red", "red circle blue", "pink circle", "red circle,,blue square", "circle red"] {
            XCTAssertThrowsError(try ColorShapePair.parseList(bad), bad) { error in
                XCTAssertTrue("\(error)".contains("invalid --hold-out"), "\(error)")
            }
        }
        XCTAssertEqual(ColorShapePair.all.count, ObjectColor.allCases.count * ShapeKind.allCases.count)
    }

    func testHeldOutPairsNeverReachTrainingAndFillTheCompositionalSplit() throws {
        let holdOut = try ColorShapePair.parseList("red circle,blue triangle")
        for split in [SynthSplit.train, .val, .test] {
            for sample in samples(count: 1500, seed: 12, split: split, holdOut: holdOut) {
                XCTAssertFalse(sample.scene.objects.contains { holdOut.contains($0.pair) }, "\(split) \(sample.scene)")
            }
        }
        var seen = Set<ColorShapePair>()
        for sample in samples(count: 300, seed: 12, split: .testCompositional, holdOut: holdOut) {
            let held = sample.scene.objects.map(\.pair).filter(holdOut.contains)
            XCTAssertFalse(held.isEmpty)
            seen.formUnion(held)
        }
        XCTAssertEqual(seen, Set(holdOut))

        let folder = try temporaryFolder(self)
        let summary = try SynthDataset.generate(count: 200, seed: 3, holdOut: holdOut, to: folder)
        XCTAssertEqual(summary.imagesPerSplit, [.train: 144, .val: 18, .test: 18, .testCompositional: 20])
        for record in try SynthBoxesFile.read(path: folder + "/boxes.jsonl") {
            let held = record.objects.contains { holdOut.contains($0.pair) }
            XCTAssertEqual(held, record.split == "test_compositional", "\(record.filename) in \(record.split)")
        }
    }

    func testGenerateRejectsBadArguments() throws {
        let folder = try temporaryFolder(self)
        XCTAssertThrowsError(try SynthDataset.generate(count: 0, to: folder))
        XCTAssertThrowsError(try SynthDataset.generate(count: 5, side: 16, to: folder))
        XCTAssertThrowsError(try SynthDataset.generate(count: 5, splits: SplitFractions(train: -1), to: folder))
        XCTAssertThrowsError(try SynthDataset.generate(count: 5, holdOut: ColorShapePair.all, to: folder)) { error in
            XCTAssertTrue("\(error)".contains("nothing to train on"), "\(error)")
        }
        XCTAssertThrowsError(try SynthDataset.generate(count: 5, to: "/proc/no-such-place/synth")) { error in
            XCTAssertTrue("\(error)".contains("cannot write /proc/no-such-place/synth"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }

    private func counts(_ splits: [SynthSplit]) -> [SynthSplit: Int] {
        splits.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
