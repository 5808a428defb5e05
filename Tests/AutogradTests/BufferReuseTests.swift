import Autograd
import Foundation
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

    /// Of two cached blocks of a size, a thread gets back the one it freed, though another thread
    /// freed its block later (each core's scratch stays in that core's cache).
    func testBlockFreedByTheSameThreadComesFirst() {
        let count = 77_000
        var mine: Buffer? = Buffer(count: count)
        let minePointer = mine!.pointer
        nonisolated(unsafe) var theirs: Buffer? = Buffer(count: count)
        let theirsPointer = theirs!.pointer
        mine = nil   // freed here
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { theirs = nil; done.signal() }   // freed last, by another thread
        thread.start()
        done.wait()
        XCTAssertNil(theirs)
        let again = Buffer(count: count)
        XCTAssertEqual(again.pointer, minePointer)
        let next = Buffer(count: count)
        XCTAssertEqual(next.pointer, theirsPointer, "the other thread's block is still there for the next request")
    }
}
