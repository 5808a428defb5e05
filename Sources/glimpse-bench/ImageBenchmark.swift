import Captioning
import Foundation
import ImageIO

/// Decode + resize throughput on the Flickr8k JPEGs (one core), and that an image cache makes later
/// epochs decode nothing (the cached batch assembly rate). Skipped when ../shared/data is absent.
func benchmarkImages(_ report: Report) {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/flickr8k/images").path
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder), !names.isEmpty else {
        print("(images: \(folder) not found, skipped)")
        return
    }
    let paths = names.filter { $0.hasSuffix(".jpg") }.sorted().prefix(2000).map { folder + "/" + $0 }
    for side in [64, 128] {
        let result = DecodeResizeBenchmark.run(paths: Array(paths), side: side)
        report.add("flickr8k_decode_resize_\(side)px_1_core", "images_per_second", result.imagesPerSecond, "images/s")
    }
    let cache = ImageCache(paths: Array(paths), side: 64, mode: .squash)
    var configuration = CaptionerConfiguration(vocabularySize: 10)
    configuration.imageSize = 64
    let batch = UnsafeMutablePointer<Float>.allocate(capacity: 32 * 3 * 64 * 64)
    defer { batch.deallocate() }
    let seconds = secondsPerCall(minimumTime: 0.5) {
        for start in stride(from: 0, to: paths.count - 32, by: 32) {
            cache.writeBatch(slots: Array(start..<(start + 32)), mean: configuration.mean, standardDeviation: configuration.standardDeviation, into: batch)
        }
    }
    report.add("cached_epoch_batches_64px", "images_per_second", Double((paths.count / 32) * 32) / seconds, "images/s")
}
