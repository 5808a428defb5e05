import Captioning
import Foundation
import ImageIO
import NN
import Synth
import XCTest

/// Training on a small synthetic dataset: a tiny set is learned, resuming equals an uninterrupted run.
final class CaptionTrainingTests: XCTestCase {
    static let dataset: (folder: String, data: CaptionDataset) = {
        let folder = NSTemporaryDirectory() + "glimpse-caption-training-\(getpid())"
        try! SynthDataset.generate(count: 24, side: 32, seed: 7, splits: SplitFractions(train: 0.75, validation: 0.25, test: 0), to: folder)
        return (folder, try! CaptionDatasetReader().read(from: folder))
    }()

    func makeTrainer(folder: String, epochs: Int, dropout: Float = 0) throws -> CaptionTrainer {
        let (dataFolder, dataset) = Self.dataset
        let vocabulary = Vocabulary.build(from: dataset.images, minimumCount: 1, maximumLength: 30)
        var c = CaptionerConfiguration(vocabularySize: vocabulary.count)
        c.imageSize = 32; c.featureSize = 16; c.embeddingSize = 16; c.attentionSize = 16; c.hiddenSize = 32; c.dropout = dropout
        let cache = ImageCache(paths: dataset.images.map { dataFolder + "/" + $0.relativePath }, side: 32, mode: .squash)
        XCTAssertTrue(cache.failures.isEmpty)
        var options = CaptionTrainingOptions()
        options.epochs = epochs; options.batchSize = 6; options.seed = 3
        options.encoderLearningRate = 3e-3; options.decoderLearningRate = 3e-3; options.patience = 0
        let model = ModelFolder(folder)
        try model.create()
        return CaptionTrainer(folder: model, configuration: c, vocabulary: vocabulary,
                              train: CaptionSet(dataset: dataset, split: [.train], vocabulary: vocabulary, cacheSlots: cache.slots),
                              validation: CaptionSet(dataset: dataset, split: [.val], vocabulary: vocabulary, cacheSlots: cache.slots),
                              cache: cache, options: options, scorer: { cocoScores(hypotheses: $0.map(\.text), references: $1) }) { _ in }
    }

    var scratchFolders: [String] = []

    func scratch(_ name: String) -> String {
        let folder = NSTemporaryDirectory() + "glimpse-\(name)-\(UUID().uuidString)"
        scratchFolders.append(folder)
        return folder
    }

    override func tearDown() {
        for folder in scratchFolders { try? FileManager.default.removeItem(atPath: folder) }
        scratchFolders = []
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: dataset.folder)
    }

    func testResumeEqualsAnUninterruptedRun() throws {
        let straight = try makeTrainer(folder: scratch("straight"), epochs: 2, dropout: 0.3)
        _ = try straight.run(resume: false)
        let resumedFolder = scratch("resumed")
        _ = try makeTrainer(folder: resumedFolder, epochs: 1, dropout: 0.3).run(resume: false)
        let resumed = try makeTrainer(folder: resumedFolder, epochs: 2, dropout: 0.3)
        let result = try resumed.run(resume: true)
        XCTAssertEqual(result.epochsCompleted, 2)
        for ((name, a), (_, b)) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
            XCTAssertEqual(a.values, b.values, "\(name) differs after resuming")
        }
        for (a, b) in zip(straight.model.namedBuffers(), resumed.model.namedBuffers()) {
            XCTAssertEqual(a.tensor.values, b.tensor.values, "\(a.name) differs after resuming")
        }
    }

    /// Eighteen scenes with their captions are learned almost perfectly (teacher-forced loss near 0).
    func testTinyDatasetIsOverfitted() throws {
        let trainer = try makeTrainer(folder: scratch("overfit"), epochs: 1)
        let set = CaptionSet(dataset: Self.dataset.data, split: [.train], vocabulary: trainer.vocabulary,
                             cacheSlots: ImageCache(paths: Self.dataset.data.images.map { Self.dataset.folder + "/" + $0.relativePath }, side: 32, mode: .squash).slots)
        let cache = ImageCache(paths: Self.dataset.data.images.map { Self.dataset.folder + "/" + $0.relativePath }, side: 32, mode: .squash)
        // One caption per image, so the targets are a function of the image.
        let batch = CaptionBatch(set: set, cache: cache, imageIndices: Array(0..<set.count), configuration: trainer.model.configuration)
        var rows: [Int] = [], seen = Set<Int32>()
        for (r, image) in batch.captionImage.enumerated() where seen.insert(image).inserted { rows.append(r) }
        let width = batch.captions.count / batch.lengths.count
        let captions = rows.flatMap { Array(batch.captions[($0 * width)..<(($0 + 1) * width)]) }
        let lengths = rows.map { batch.lengths[$0] }
        let owners = rows.map { batch.captionImage[$0] }
        let store = trainer.model.makeParameterStore()
        let adam = Adam(ParameterRange(store: store), learningRate: 5e-3)
        trainer.model.train()
        var first: Float = 0, last: Float = 0
        for step in 0..<200 {
            store.zeroGradients()
            let features = trainer.model.encoder(batch.images).indexSelect(owners)
            let (logits, alphas) = trainer.model.teacherForced(features: features, captions: captions, lengths: lengths)
            let loss = captioningLoss(logits: logits, alphas: alphas, captions: captions, lengths: lengths, alphaC: 0)
            if step == 0 { first = loss.total.item }
            last = loss.total.item
            loss.total.backward()
            adam.step()
        }
        XCTAssertLessThan(last, 0.05, "tiny set not learned: loss \(first) -> \(last)")
    }
}

/// The image cache leaves no slot for an image that fails and keeps the others in order.
final class ImageCacheTests: XCTestCase {
    func testFailedImagesLeaveNoSlot() throws {
        let folder = NSTemporaryDirectory() + "glimpse-cache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let red = Image(width: 8, height: 8, filledWith: RGBColor(red: 255, green: 0, blue: 0))
        let blue = Image(width: 8, height: 8, filledWith: RGBColor(red: 0, green: 0, blue: 255))
        try red.write(to: folder + "/red.png")
        try blue.write(to: folder + "/blue.png")
        FileManager.default.createFile(atPath: folder + "/broken.png", contents: Data("not an image".utf8))
        let cache = ImageCache(paths: [folder + "/red.png", folder + "/broken.png", folder + "/blue.png"], side: 8, mode: .squash)
        XCTAssertEqual(cache.slots, [0, nil, 1])
        XCTAssertEqual(cache.failures.count, 1)
        XCTAssertTrue(cache.failures[0].contains("broken.png"), cache.failures[0])
        XCTAssertEqual(cache.image(slot: 0), red)
        XCTAssertEqual(cache.image(slot: 1), blue)
    }
}

/// What validation scores a decoded caption by: its words aligned with their steps' attention, and
/// the selection value of one or several metrics.
final class ValidationSelectionTests: XCTestCase {
    func testWordsKeepTheAttentionOfTheirOwnStep() {
        let vocabulary = Vocabulary.build(fromTokenizedCaptions: [["a", "red", "circle"], ["a", "blue", "square"]],
                                          minimumCount: 2, maximumLength: 10)
        let a = vocabulary.id(of: "a"), unknown = Vocabulary.unknownID
        // "a <unk> <end> a": the unknown word and everything after <end> are dropped with their steps.
        let decoded = DecodedCaption(tokens: [Int32(a), Int32(unknown), Int32(Vocabulary.endID), Int32(a)],
                                     tokenLogProbabilities: [0, 0, 0, 0], alphas: [[1, 0], [0, 1], [0.5, 0.5], [0.25, 0.75]], finished: true)
        let (words, alphas) = decoded.wordsWithAttention(vocabulary)
        XCTAssertEqual(words, ["a"])
        XCTAssertEqual(alphas, [[1, 0]])
    }

    func testSelectionValueSumsTheNamedMetrics() {
        var options = CaptionTrainingOptions()
        let scores = ["cider": 2.5, "bleu4": 0.7, "truth": 0.96, "grounding": 0.52]
        options.selectionMetric = "truth"
        XCTAssertEqual(options.selectionValue(of: scores), 0.96)
        options.selectionMetric = "truth+grounding"
        XCTAssertEqual(options.selectionValue(of: scores), 1.48, accuracy: 1e-12)
        // A metric the validation did not produce (no synthetic scenes): CIDEr-D.
        XCTAssertEqual(options.selectionValue(of: ["cider": 2.5, "truth": 0.9]), 2.5)
    }
}
