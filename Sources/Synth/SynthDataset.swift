import Dispatch
import Foundation
import FileOutput
import ImageIO

/// How far `SynthDataset.generate` has come.
public struct SynthProgress: Sendable, Equatable {
    /// Images written so far.
    public var completed: Int
    /// Images to write.
    public var total: Int

    /// `completed` of `total` images done.
    public init(completed: Int, total: Int) {
        self.completed = completed; self.total = total
    }
}

/// What `SynthDataset.generate` wrote.
public struct SynthSummary: Sendable, Equatable {
    /// The dataset folder.
    public var folder: String
    /// Images per split (splits with none are left out).
    public var imagesPerSplit: [SynthSplit: Int]
    /// Captions written (5 per image).
    public var captionCount: Int
}

/// The synthetic shapes dataset: scenes, their PNG images, captions and boxes, written to a folder.
public enum SynthDataset {
    /// Smallest image side accepted (shapes are hard to tell apart below it).
    public static let minimumSide = 32
    /// Largest image side accepted.
    public static let maximumSide = 1024
    /// Images made between two progress reports.
    public static let chunkSize = 128

    /// Generates `count` images of `side x side` pixels from `seed` and writes into `folder` (created if
    /// missing): `images/NNNNNN.png`, `boxes.jsonl` (`SynthBoxesRecord` per line), `dataset_synth.json`
    /// (`KarpathyDataset`) and `captions.tsv` (`images/<name>` TAB caption, one line per caption).
    ///
    /// The same arguments give byte-identical files: each image is a function of its index and the seed
    /// only (`SynthSample`), made in parallel over the cores. Splits are assigned in blocks by
    /// `splits.assign(count:holdingOut:)`; pairs in `holdOut` never appear in train, val or test and each
    /// `test_compositional` image holds at least one. Every file is written atomically (temporary file and
    /// rename); the images are flushed to disk together (`BatchFileWriter`) and the three index files are
    /// written after that with `AtomicFile`, so a dataset whose `dataset_synth.json` exists is complete. Existing files with the same names are replaced; other files in the folder are left alone.
    /// `progress` is called on the calling thread after each chunk of images and at the end.
    @discardableResult
    public static func generate(count: Int, side: Int = 64, seed: UInt64 = 0, splits: SplitFractions = SplitFractions(),
                                holdOut: [ColorShapePair] = [], to folder: String,
                                progress: (SynthProgress) -> Void = { _ in }) throws(SynthError) -> SynthSummary {
        guard count > 0 else { throw SynthError.invalidArgument("the image count must be positive, not \(count)") }
        guard (minimumSide...maximumSide).contains(side) else {
            throw SynthError.invalidArgument("the image side must be \(minimumSide)-\(maximumSide) pixels, not \(side)")
        }
        try splits.validate()
        guard holdOut.count < ColorShapePair.all.count else {
            throw SynthError.invalidHoldOut("holding out all \(ColorShapePair.all.count) colour-shape pairs leaves nothing to train on")
        }
        let assigned = splits.assign(count: count, holdingOut: !holdOut.isEmpty)
        let imagesFolder = folder + "/images"
        do {
            try FileManager.default.createDirectory(atPath: imagesFolder, withIntermediateDirectories: true)
        } catch {
            throw SynthError.writeFailed(path: imagesFolder, reason: error.localizedDescription)
        }
        let digits = max(6, String(count - 1).count)
        let slots = SampleSlots(count: count)
        progress(SynthProgress(completed: 0, total: count))
        var start = 0
        while start < count {
            let first = start, end = min(count, start + chunkSize)
            DispatchQueue.concurrentPerform(iterations: end - first) { offset in
                let index = first + offset
                let sample = SynthSample(index: index, split: assigned[index], side: side, seed: seed, holdOut: holdOut, fileNameDigits: digits)
                let path = imagesFolder + "/" + sample.fileName
                do {
                    let png = try sample.image.pngData()
                    try BatchFileWriter.write(bytes: png, to: path)
                    slots.store(SampleRecord(boxes: SynthBoxesRecord(sample: sample), captions: sample.captions), at: index)
                } catch let error as SynthError {
                    slots.fail(error)
                } catch {
                    slots.fail(SynthError.writeFailed(path: path, reason: "\(error)"))
                }
            }
            if let failure = slots.failure { throw failure }
            start = end
            progress(SynthProgress(completed: end, total: count))
        }
        let records = slots.records
        BatchFileWriter.flush()
        try writeIndexFiles(records, to: folder)
        var perSplit: [SynthSplit: Int] = [:]
        for split in assigned { perSplit[split, default: 0] += 1 }
        return SynthSummary(folder: folder, imagesPerSplit: perSplit, captionCount: records.reduce(0) { $0 + $1.captions.count })
    }

    /// Writes `boxes.jsonl`, `captions.tsv` and `dataset_synth.json` for `records` (in index order).
    static func writeIndexFiles(_ records: [SampleRecord], to folder: String) throws(SynthError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var boxLines: [UInt8] = []
        var tsv = ""
        var images: [KarpathyImage] = []
        var sentenceID = 0
        for record in records {
            boxLines += try encode(record.boxes, with: encoder, path: folder + "/boxes.jsonl")
            boxLines.append(UInt8(ascii: "\n"))
            let path = record.boxes.filepath + "/" + record.boxes.filename
            for caption in record.captions { tsv += path + "\t" + caption.text + "\n" }
            images.append(KarpathyImage(record: record, firstSentenceID: sentenceID))
            sentenceID += record.captions.count
        }
        let dataset = try encode(KarpathyDataset(dataset: "synth", images: images), with: encoder, path: folder + "/dataset_synth.json")
        try write(boxLines, to: folder + "/boxes.jsonl")
        try write(Array(tsv.utf8), to: folder + "/captions.tsv")
        try write(dataset + [UInt8(ascii: "\n")], to: folder + "/dataset_synth.json")
    }

    private static func encode<Value: Encodable>(_ value: Value, with encoder: JSONEncoder, path: String) throws(SynthError) -> [UInt8] {
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw SynthError.writeFailed(path: path, reason: "JSON encoding failed: \(error)")
        }
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(SynthError) {
        do {
            try AtomicFile.write(bytes: bytes, to: path)
        } catch {
            throw SynthError.writeFailed(path: path, reason: error.reason)
        }
    }
}

/// What the index files need of one sample (its image is already on disk).
struct SampleRecord: Sendable {
    var boxes: SynthBoxesRecord
    var captions: [CaptionMeaning]
}

extension KarpathyImage {
    /// The entry of a written sample.
    init(record: SampleRecord, firstSentenceID: Int) {
        filename = record.boxes.filename; filepath = record.boxes.filepath; split = record.boxes.split; imgid = record.boxes.imgid
        sentences = record.captions.enumerated().map { offset, caption in
            KarpathySentence(tokens: caption.words, raw: caption.text, imgid: record.boxes.imgid, sentid: firstSentenceID + offset)
        }
        sentids = sentences.map(\.sentid)
    }
}

/// Per-index results filled in from many threads.
private final class SampleSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [SampleRecord?]
    private var firstFailure: SynthError?

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ record: SampleRecord, at index: Int) {
        lock.lock(); slots[index] = record; lock.unlock()
    }

    func fail(_ error: SynthError) {
        lock.lock(); if firstFailure == nil { firstFailure = error }; lock.unlock()
    }

    var failure: SynthError? {
        lock.lock(); defer { lock.unlock() }
        return firstFailure
    }

    var records: [SampleRecord] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { $0! }
    }
}
