import Autograd
import XCTest

/// Large buffers come back from the block cache: the last one freed serves the next request of
/// about the same size (same bucket), zeroed again when asked for zeros.
final class BufferReuseTests: XCTestCase {
    func testLargeBufferIsReusedAndZeroed() {
        var first: UnsafeMutablePointer<Float>?
        do {
            let b = Buffer(count: 100_000)
            b.pointer.update(repeating: 7, count: b.count)
            first = b.pointer
        }
        let again = Buffer(count: 100_500)   // 402,000 bytes: the bucket of 400,000
        XCTAssertEqual(again.pointer, first)
        XCTAssertTrue(UnsafeBufferPointer(start: again.pointer, count: again.count).allSatisfy { $0 == 0 })
        let other = Buffer(count: 300_000)   // another bucket: not the same block
        XCTAssertNotEqual(other.pointer, again.pointer)
    }
}
