import Foundation
import ImageIO
import XCTest

/// Broken input must give one clear error naming the file, never a crash or a hang.
final class BrokenFileTests: XCTestCase {
    private func decodeError(_ relative: String, decoder: ImageDecoder = ImageDecoder(),
                             file: StaticString = #filePath, line: UInt = #line) -> ImageError? {
        let path = ImageFixtures.path(relative)
        do {
            let image = try decoder.decode(contentsOf: path)
            XCTFail("\(relative) decoded to \(image.width)x\(image.height) but should fail", file: file, line: line)
            return nil
        } catch {
            XCTAssertEqual(error.path, path, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description, file: file, line: line)
            return error
        }
    }

    func testMissingFile() {
        let error = decodeError("codec/no_such_file.png")
        XCTAssertEqual(error?.reason, .noSuchFile)
        XCTAssertEqual(error?.description, ImageFixtures.path("codec/no_such_file.png") + ": no such file")
    }

    func testDirectoryIsUnreadable() {
        guard case .unreadable(let message)? = decodeError("codec")?.reason else { return XCTFail("expected unreadable") }
        XCTAssertTrue(message.contains("directory"), message)
    }

    func testTextFileWithPNGNameIsNotAnImage() {
        let error = decodeError("broken/text_named.png")
        guard case .notAnImage(let message)? = error?.reason else { return XCTFail("expected notAnImage, got \(String(describing: error))") }
        XCTAssertTrue(message.contains("54 68 69 73"), message) // "This"
        XCTAssertTrue(error!.description.contains("not an image (unknown format"), error!.description)
    }

    func testEmptyAndZeroFilesAreNotImages() {
        guard case .notAnImage(let message)? = decodeError("broken/empty.png")?.reason else { return XCTFail() }
        XCTAssertTrue(message.contains("empty"), message)
        guard case .notAnImage? = decodeError("broken/zeros.jpg")?.reason else { return XCTFail() }
    }

    func testHugeDeclaredSizesAreRefusedBeforeAllocating() {
        let png = decodeError("broken/huge_ihdr.png")
        XCTAssertEqual(png?.reason, .tooLarge(.png, width: 100_000, height: 100_000, maximumSide: 30_000, maximumPixels: 100_000_000))
        XCTAssertTrue(png?.description.contains("image too large: the PNG header declares 100000 x 100000 pixels") == true,
                      png?.description ?? "")
        let jpeg = decodeError("broken/huge_sof.jpg")
        XCTAssertEqual(jpeg?.reason, .tooLarge(.jpeg, width: 40_000, height: 40_000, maximumSide: 30_000, maximumPixels: 100_000_000))
        // The pixel limit alone also applies, and probing checks limits too.
        let small = ImageDecoder(maximumSide: 30_000, maximumPixels: 100)
        guard case .tooLarge(.png, 13, 11, _, 100)? = decodeError("codec/png_rgb8.png", decoder: small)?.reason else { return XCTFail() }
        XCTAssertThrowsError(try small.probe(contentsOf: ImageFixtures.path("codec/jpeg_gray.jpg")))
    }

    func testDamagedPNGsAreCorrupt() {
        for name in ["broken/bad_crc.png", "broken/zeroed_idat.png"] {
            guard case .corrupt(.png, let message)? = decodeError(name)?.reason else { return XCTFail(name) }
            XCTAssertFalse(message.isEmpty, name)
        }
        guard case .corrupt(.png, let message)? = decodeError("broken/bad_crc.png")?.reason else { return XCTFail() }
        XCTAssertTrue(message.contains("CRC"), message)
    }

    func testCommittedTruncatedFilesAreTruncated() {
        for name in ["broken/truncated_half.png", "broken/truncated_no_iend.png"] {
            guard case .truncated(.png, let message)? = decodeError(name)?.reason else { return XCTFail(name) }
            XCTAssertTrue(message.contains("the data ends after"), message)
        }
        for name in ["broken/truncated_half.jpg", "broken/truncated_no_eoi.jpg", "broken/truncated_header.jpg"] {
            guard case .truncated(.jpeg, let message)? = decodeError(name)?.reason else { return XCTFail(name) }
            XCTAssertTrue(message.contains("the data ends after"), message)
        }
        XCTAssertTrue(decodeError("broken/truncated_half.png")!.description.contains(": truncated PNG: the data ends after 260 bytes"))
    }

    /// Cutting a valid file at every length gives "truncated" (or "not an image" for the first few bytes).
    func testEveryTruncationLengthIsAnError() throws {
        for name in ["codec/png_rgb8.png", "codec/png_palette4_trns_interlaced.png", "codec/png_rgba16.png",
                     "codec/jpeg_baseline_420.jpg", "codec/jpeg_progressive.jpg", "codec/jpeg_cmyk.jpg",
                     "codec/jpeg_restart_markers.jpg"] {
            let bytes = try ImageFixtures.bytes(name)
            for length in 0..<bytes.count {
                do {
                    _ = try ImageDecoder().decode(bytes: Array(bytes[0..<length]), name: name)
                    XCTFail("\(name) cut to \(length) of \(bytes.count) bytes decoded")
                } catch {
                    switch error.reason {
                    case .truncated: break
                    case .notAnImage: XCTAssertLessThan(length, 8, "\(name) at \(length): \(error)")
                    default: XCTFail("\(name) cut to \(length) bytes: \(error)")
                    }
                }
            }
        }
    }

    /// Flipping any single byte never crashes or hangs. For PNG, a flip inside a critical chunk is always
    /// caught (CRC); a decoded result always has the declared size.
    func testFlippedBytesNeverCrash() throws {
        for name in ["codec/png_rgb8.png", "codec/png_gray1_interlaced.png", "codec/jpeg_baseline_420.jpg",
                     "codec/jpeg_progressive.jpg"] {
            let bytes = try ImageFixtures.bytes(name)
            var failures = 0
            for position in 0..<bytes.count {
                for mask: UInt8 in [0xFF, 0x01] {
                    var damaged = bytes
                    damaged[position] ^= mask
                    do {
                        let image = try ImageDecoder(maximumSide: 5000, maximumPixels: 5_000_000).decode(bytes: damaged, name: name)
                        XCTAssertEqual(image.pixels.count, image.width * image.height * 3)
                        if name.hasSuffix(".png") && position >= 8 {
                            XCTFail("\(name): byte \(position) ^ \(mask) went unnoticed")
                        }
                    } catch {
                        failures += 1
                        XCTAssertFalse(error.reasonDescription.isEmpty)
                    }
                }
            }
            XCTAssertGreaterThan(failures, 0, name)
        }
    }

    /// Zeroing runs of bytes inside the data.
    func testZeroedRunsNeverCrash() throws {
        for name in ["codec/png_rgba8.png", "codec/jpeg_baseline_444.jpg", "codec/jpeg_progressive_gray.jpg"] {
            let bytes = try ImageFixtures.bytes(name)
            for start in stride(from: 2, to: bytes.count, by: 7) {
                var damaged = bytes
                for index in start..<min(start + 16, bytes.count) { damaged[index] = 0 }
                _ = try? ImageDecoder(maximumSide: 5000, maximumPixels: 5_000_000).decode(bytes: damaged, name: name)
            }
        }
    }

    func testCorruptJPEGEntropyDataIsAnError() throws {
        // Replace the middle of the entropy-coded data with 0xFF 0xD9 (EOI) followed by junk:
        // libjpeg would warn and return a grey-filled image; we report corrupt or truncated data.
        var bytes = try ImageFixtures.bytes("codec/jpeg_baseline_444.jpg")
        let middle = bytes.count * 3 / 4
        bytes[middle] = 0xFF; bytes[middle + 1] = 0xD9
        XCTAssertThrowsError(try Image(bytes: bytes, name: "x.jpg")) { error in
            let reason = (error as! ImageError).reason
            switch reason {
            case .corrupt(.jpeg, _), .truncated(.jpeg, _): break
            default: XCTFail("\(error)")
            }
        }
    }

    func testTwelveBitJPEGIsUnsupported() throws {
        // Set the SOF0 sample precision byte (after FF C0, length) from 8 to 12.
        var bytes = try ImageFixtures.bytes("codec/jpeg_gray.jpg")
        let sof = try XCTUnwrap((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        XCTAssertEqual(bytes[sof + 4], 8)
        bytes[sof + 4] = 12
        XCTAssertThrowsError(try Image(bytes: bytes, name: "deep.jpg")) { error in
            guard case .unsupported(.jpeg, let message) = (error as! ImageError).reason else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("precision"), message)
            XCTAssertTrue("\(error)".hasPrefix("deep.jpg: unsupported JPEG: "), "\(error)")
        }
    }
}
