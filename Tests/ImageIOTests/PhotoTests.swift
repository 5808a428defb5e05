import Foundation
import ImageIO
import XCTest

/// The real photographs in ../shared/data/photos against Pillow's decode (fixture `photos.json`).
final class PhotoTests: XCTestCase {
    struct Photos: Decodable {
        struct Resized: Decodable { let width: Int; let height: Int; let tolerance: Int; let samples: [[Int]] }
        struct Entry: Decodable {
            let file: String; let width: Int; let height: Int; let fnv1a64: String
            let mean: [Double]; let tolerance: Int; let samples: [[Int]]; let resized: Resized?
        }
        let images: [Entry]
    }

    private var folder: String { ImageFixtures.sharedData + "/photos" }

    private func skipUnlessPresent() throws {
        guard FileManager.default.fileExists(atPath: folder) else {
            throw XCTSkip("the shared photographs are not at \(folder) (../shared/data/photos from the package root); skipping")
        }
    }

    private func fnv1a64(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash ^= UInt64(byte); hash = hash &* 0x100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    func testPhotosDecodeLikePillow() throws {
        try skipUnlessPresent()
        let photos = try ImageFixtures.json("photos.json", as: Photos.self)
        XCTAssertEqual(photos.images.count, 11)
        for entry in photos.images {
            let image = try Image(contentsOf: folder + "/" + entry.file)
            XCTAssertEqual([image.width, image.height], [entry.width, entry.height], entry.file)
            if entry.tolerance == 0 {
                XCTAssertEqual(fnv1a64(image.pixels), entry.fnv1a64, "\(entry.file): checksum of the RGB bytes")
            }
            for channel in 0..<3 {
                var sum = 0
                for index in stride(from: channel, to: image.pixels.count, by: 3) { sum += Int(image.pixels[index]) }
                XCTAssertEqual(Double(sum) / Double(image.width * image.height), entry.mean[channel], accuracy: 0.25,
                               "\(entry.file): mean of channel \(channel)")
            }
            var worst = 0
            for sample in entry.samples {
                let pixel = image[x: sample[0], y: sample[1]]
                worst = max(worst, abs(Int(pixel.red) - sample[2]), abs(Int(pixel.green) - sample[3]), abs(Int(pixel.blue) - sample[4]))
            }
            XCTAssertLessThanOrEqual(worst, entry.tolerance, "\(entry.file): worst sampled difference")
            if let resized = entry.resized {
                let small = image.resized(width: resized.width, height: resized.height)
                var worstResized = 0
                for sample in resized.samples {
                    let pixel = small[x: sample[0], y: sample[1]]
                    worstResized = max(worstResized, abs(Int(pixel.red) - sample[2]), abs(Int(pixel.green) - sample[3]),
                                       abs(Int(pixel.blue) - sample[4]))
                }
                XCTAssertLessThanOrEqual(worstResized, resized.tolerance, "\(entry.file): area resize to \(resized.width)x\(resized.height)")
            }
        }
    }

    func testJPEGAndPNGOfTheSamePhotoAgree() throws {
        try skipUnlessPresent()
        for name in ["astronaut", "camera", "chelsea", "coffee", "rocket"] {
            let png = try Image(contentsOf: "\(folder)/\(name).png")
            let jpeg = try Image(contentsOf: "\(folder)/\(name).jpg")
            XCTAssertEqual([png.width, png.height], [jpeg.width, jpeg.height], name)
            let mean = Double(zip(png.pixels, jpeg.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)) / Double(png.pixels.count)
            XCTAssertLessThan(mean, 6, "\(name): mean |PNG - JPEG|")
        }
    }

    func testFlickrImagesDecodeAndSquare() throws {
        let folder = ImageFixtures.sharedData + "/flickr8k/images"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw XCTSkip("Flickr8k images are not at \(folder); skipping")
        }
        let decoder = ImageDecoder()
        for name in names.sorted().prefix(50) {
            let image = try decoder.decode(contentsOf: folder + "/" + name)
            XCTAssertEqual([image.width, image.height], [128, 128], name)
            let square = try decoder.decodeSquare(contentsOf: folder + "/" + name, side: 64)
            XCTAssertEqual([square.width, square.height], [64, 64])
            XCTAssertEqual(try decoder.decodeSquare(contentsOf: folder + "/" + name, side: 128), image)
        }
    }
}
