import Foundation
import LanguageModeling
import NN
import XCTest

final class LanguageModelTests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "glimpse-lm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    func configuration(_ cell: CellKind, vocabulary: LMVocabulary, dropout: Float = 0) -> LMConfiguration {
        LMConfiguration(level: vocabulary.level, cell: cell, layers: 2, hidden: 24, embedding: 8, dropout: dropout, vocabularySize: vocabulary.count)
    }

    let text = String(repeating: "the cat sat on the mat. the dog ate the log.\n", count: 40)

    func trainer(_ cell: CellKind, folder: String, epochs: Int, dropout: Float = 0, learningRate: Float = 0.01, timeLimit: Double = 0) throws -> LMTrainer {
        let tokens = TextCorpus.tokenize(text, level: .character)
        let vocabulary = LMVocabulary.build(from: tokens, level: .character)
        var options = LMTrainingOptions()
        options.epochs = epochs; options.batchSize = 4; options.sequenceLength = 16; options.learningRate = learningRate; options.seed = 3
        options.timeLimit = timeLimit
        let ids = vocabulary.encode(tokens)
        let cut = ids.count * 9 / 10
        let model = ModelFolder(folder)
        try model.create()
        let c = configuration(cell, vocabulary: vocabulary, dropout: dropout)
        try model.writeJSON(c, to: model.configPath)
        try vocabulary.write(to: model.vocabularyPath)
        return try LMTrainer(folder: model, configuration: c, vocabulary: vocabulary, trainIDs: Array(ids[..<cut]),
                             validationIDs: Array(ids[cut...]), options: options) { _ in }
    }

    /// A repetitive text is learned almost perfectly, by every cell type.
    func testTinyCorpusIsLearnedToNearZeroLoss() throws {
        for cell in CellKind.allCases {
            let t = try trainer(cell, folder: scratch + "/\(cell)", epochs: cell == .lstm ? 12 : 15, learningRate: 0.02)
            let result = try t.run(resume: false)
            XCTAssertLessThan(result.epochs.last!.trainLoss, 0.25, "\(cell) did not learn the tiny corpus: \(result.epochs.map(\.trainLoss))")
            XCTAssertLessThan(result.epochs.last!.trainLoss, result.epochs.first!.trainLoss / 5)
        }
    }

    /// Stopping after 2 epochs and resuming for 2 more gives exactly the weights of 4 epochs straight
    /// (dropout on, so the generators' states must be restored too).
    func testResumeEqualsAnUninterruptedRun() throws {
        let straight = try trainer(.lstm, folder: scratch + "/straight", epochs: 4, dropout: 0.2)
        _ = try straight.run(resume: false)
        let first = try trainer(.lstm, folder: scratch + "/resumed", epochs: 2, dropout: 0.2)
        _ = try first.run(resume: false)
        let second = try trainer(.lstm, folder: scratch + "/resumed", epochs: 4, dropout: 0.2)
        let result = try second.run(resume: true)
        XCTAssertEqual(result.epochsCompleted, 4)
        for ((name, a), (_, b)) in zip(straight.model.namedParameters(), second.model.namedParameters()) {
            XCTAssertEqual(a.values, b.values, "\(name) differs after resuming")
        }
        // A fresh run without the checkpoint is different (so the test can fail).
        let fresh = try trainer(.lstm, folder: scratch + "/fresh", epochs: 2, dropout: 0.2)
        _ = try fresh.run(resume: false)
        XCTAssertNotEqual(fresh.model.fc.weight.values, straight.model.fc.weight.values)
    }

    /// A time limit that strikes mid-epoch stops like an interrupt: nothing advances, metrics are
    /// written (with the best loss not measured yet), and resuming ends where a straight run ends.
    func testTimeLimitMidEpochResumesExactly() throws {
        let straight = try trainer(.gru, folder: scratch + "/straight", epochs: 2, dropout: 0.1)
        _ = try straight.run(resume: false)
        let folder = scratch + "/limited"
        let limited = try trainer(.gru, folder: folder, epochs: 2, dropout: 0.1, timeLimit: 1e-9)
        let stopped = try limited.run(resume: false)
        XCTAssertEqual(stopped.epochsCompleted, 0)
        XCTAssertTrue(stopped.stoppedBecause.contains("time limit"), stopped.stoppedBecause)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/metrics.json"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/weights.safetensors"))
        let resumed = try trainer(.gru, folder: folder, epochs: 2, dropout: 0.1)
        XCTAssertEqual(try resumed.run(resume: true).epochsCompleted, 2)
        for ((name, a), (_, b)) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
            XCTAssertEqual(a.values, b.values, "\(name) differs after a time-limited stop and resume")
        }
    }

    func testSeededSampleIsReproducibleAndModelFolderLoads() throws {
        let t = try trainer(.gru, folder: scratch + "/m", epochs: 2)
        _ = try t.run(resume: false)
        let (model, vocabulary) = try ModelFolder(scratch + "/m").loadLanguageModel()
        var options = SamplingOptions()
        options.length = 60; options.seed = 11; options.prime = "the "; options.temperature = 0.9
        let a = LMSampler(model: model, vocabulary: vocabulary).generate(options).text
        let b = LMSampler(model: model, vocabulary: vocabulary).generate(options).text
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.unicodeScalars.count, 60)
        options.seed = 12
        XCTAssertNotEqual(LMSampler(model: model, vocabulary: vocabulary).generate(options).text, a)
        // Argmax ignores the seed.
        options.argmax = true
        let c = LMSampler(model: model, vocabulary: vocabulary).generate(options).text
        options.seed = 99
        XCTAssertEqual(LMSampler(model: model, vocabulary: vocabulary).generate(options).text, c)
        // Top-1 draws are the argmax, whatever the seed and temperature.
        options.argmax = false; options.topK = 1; options.temperature = 1.7
        XCTAssertEqual(LMSampler(model: model, vocabulary: vocabulary).generate(options).text, c)
        options.seed = 5
        XCTAssertEqual(LMSampler(model: model, vocabulary: vocabulary).generate(options).text, c)
    }

    /// The stepper path (LSTM, GRU) and the graph path (Elman, Jordan) sample the same text as
    /// feeding tokens through the sequence op would (argmax, so it is deterministic).
    func testSamplerFollowsTheModel() throws {
        for (cell, prime) in [(CellKind.lstm, ""), (.gru, "th"), (.rnn, "")] {
            let t = try trainer(cell, folder: scratch + "/s\(cell)", epochs: 1)
            _ = try t.run(resume: false)
            let model = t.model, vocabulary = t.vocabulary
            var options = SamplingOptions()
            options.length = 10; options.argmax = true; options.prime = prime
            let text = LMSampler(model: model, vocabulary: vocabulary).generate(options).text
            // Greedy decoding through the full graph, from the same start token and prime.
            var ids: [Int32] = [vocabulary.id("\n")] + prime.unicodeScalars.map { vocabulary.id(String($0)) }
            let primeCount = ids.count
            model.eval()
            for _ in 0..<10 {
                let logits = withoutGradient { model(ids, steps: ids.count, batch: 1, states: model.zeroStates(batch: 1)).logits }.values
                let last = Array(logits[((ids.count - 1) * vocabulary.count)...])
                ids.append(Int32(last.indices.max { last[$0] < last[$1] }!))
            }
            XCTAssertEqual(text, vocabulary.decode(Array(ids.dropFirst(primeCount))), "\(cell), prime \(prime)")
        }
    }

    func testPerplexityIsExpOfMeanNegativeLogLikelihood() throws {
        let t = try trainer(.lstm, folder: scratch + "/p", epochs: 1)
        _ = try t.run(resume: false)
        let scorer = LMScorer(model: t.model, vocabulary: t.vocabulary)
        let s = scorer.score("the cat ate")
        XCTAssertEqual(s.tokens.count, 11)
        let meanNLL = -s.tokens.map(\.logProbability).reduce(0, +) / Double(s.tokens.count)
        XCTAssertEqual(s.perplexity, exp(meanNLL), accuracy: 1e-9 * s.perplexity)
        // The same numbers as the training loss function computes.
        let ids = t.vocabulary.encode(TextCorpus.tokenize("the cat ate", level: .character))
        let inputs = [t.vocabulary.id("\n")] + ids.dropLast()
        let loss = withoutGradient { crossEntropy(logits: t.model(inputs, steps: inputs.count, batch: 1, states: t.model.zeroStates(batch: 1)).logits, targets: ids) }
        XCTAssertEqual(meanNLL, Double(loss.item), accuracy: 1e-5)
        // Unknown characters are scored as <unk> and flagged.
        let unknown = scorer.score("the ø")
        XCTAssertEqual(unknown.unknownTokens, 1)
        XCTAssertTrue(unknown.tokens.last!.unknown)
    }

    func testBadTextGivesClearErrors() throws {
        let bad = scratch + "/bad.txt", empty = scratch + "/empty.txt", blank = scratch + "/blank.txt"
        FileManager.default.createFile(atPath: bad, contents: Data([0x61, 0x0A, 0x62, 0xFF, 0xFE]))
        FileManager.default.createFile(atPath: empty, contents: Data())
        FileManager.default.createFile(atPath: blank, contents: Data("  \n\n ".utf8))
        XCTAssertThrowsError(try TextCorpus(path: bad)) { XCTAssertTrue("\($0)".contains("not UTF-8") && "\($0)".contains("line 2"), "\($0)") }
        XCTAssertThrowsError(try TextCorpus(path: empty)) { XCTAssertTrue("\($0)".contains("empty"), "\($0)") }
        XCTAssertThrowsError(try TextCorpus(path: blank)) { XCTAssertTrue("\($0)".contains("white space"), "\($0)") }
        XCTAssertThrowsError(try TextCorpus(path: scratch + "/missing.txt")) { XCTAssertTrue("\($0)".contains("no such file"), "\($0)") }
        // Characters of any language are tokens.
        let corpus = try TextCorpus(data: Data("日本語 ña\n".utf8))
        XCTAssertEqual(corpus.tokens(level: .character), ["日", "本", "語", " ", "ñ", "a", "\n"])
        XCTAssertEqual(corpus.tokens(level: .word), ["日本語", "ña", "<eos>"])
    }

    func testWordVocabularyAndBatcher() {
        let tokens = TextCorpus.tokenize("a b a c\na b\n", level: .word)
        XCTAssertEqual(tokens, ["a", "b", "a", "c", "<eos>", "a", "b", "<eos>"])
        let vocabulary = LMVocabulary.build(from: tokens, level: .word, minimumCount: 2)
        XCTAssertEqual(vocabulary.tokens, ["<unk>", "a", "<eos>", "b"])
        XCTAssertEqual(vocabulary.id("c"), 0)
        let batcher = StreamBatcher(ids: (0..<21).map { Int32($0) }, streams: 2, steps: 3)
        // Streams [0..<10] and [10..<20]; batch 0 steps 0-2, targets shifted by one.
        let b0 = batcher.batch(0)
        XCTAssertEqual(b0.inputs, [0, 10, 1, 11, 2, 12])
        XCTAssertEqual(b0.targets, [1, 11, 2, 12, 3, 13])
        XCTAssertEqual(batcher.batchCount, 3)
        XCTAssertEqual(batcher.batch(2).steps, 3)
        XCTAssertEqual(batcher.batch(2).targets.last, 19)
    }
}
