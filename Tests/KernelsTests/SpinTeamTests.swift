import Kernels
import Synchronization
import XCTest

/// The spinning team runs every part exactly once, back to back and after its helpers have gone to
/// sleep, and a run from inside a job runs inline instead of waiting on itself.
final class SpinTeamTests: XCTestCase {
    func testEveryPartRunsOnce() {
        let team = SpinTeam(size: 3)
        defer { team.stop() }
        for parts in 0...7 {
            for _ in 0..<200 {
                let counts = UnsafeMutablePointer<Int>.allocate(capacity: 8)
                counts.initialize(repeating: 0, count: 8)
                team.run(parts: parts) { part in counts[part] += 1 }
                XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: 8)), (0..<8).map { $0 < parts ? 1 : 0 }, "\(parts) parts")
                counts.deallocate()
            }
        }
    }

    func testRunsAfterTheHelpersSleepAndNested() {
        let team = SpinTeam(size: 2)
        defer { team.stop() }
        let total = Atomic<Int>(0)
        for round in 0..<3 {
            if round > 0 { usleep(300_000) }   // long enough for the helpers to go to sleep
            team.run(parts: 2) { _ in
                team.run(parts: 3) { _ in total.add(1, ordering: .relaxed) }   // inline: the team is busy
            }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 3 * 2 * 3)
        team.stop()
        var parts: [Int] = []
        team.run(parts: 3) { parts.append($0) }   // after stop: inline, in order
        XCTAssertEqual(parts, [0, 1, 2])
    }

    /// With `callerTakesPartZero`, part 0 always runs on the calling thread; every part still once.
    func testCallerTakesPartZero() {
        let team = SpinTeam(size: 2)
        defer { team.stop() }
        let caller = pthread_self()
        for parts in [1, 2, 5] {
            for _ in 0..<300 {
                var onCaller = false
                let counts = UnsafeMutablePointer<Int>.allocate(capacity: parts)
                counts.initialize(repeating: 0, count: parts)
                team.run(parts: parts, callerTakesPartZero: true) { part in
                    if part == 0 { onCaller = pthread_equal(pthread_self(), caller) != 0 }
                    counts[part] += 1
                }
                XCTAssertTrue(onCaller, "\(parts) parts")
                XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: parts)), [Int](repeating: 1, count: parts))
                counts.deallocate()
            }
        }
    }
}
