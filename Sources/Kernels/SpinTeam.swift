import Foundation
import Synchronization

/// Worker threads for work items of a few microseconds (one batch-1 recurrent step, one decoding
/// step), where waking a thread through GCD costs more than the work: the helpers spin on a shared
/// counter for a while after each job, so a run of back-to-back jobs hands over in well under a
/// microsecond, and nap once idle (20 µs naps, then 1 ms naps: a run after a long pause waits up
/// to a millisecond for them). `run` calls `body(0)` on the calling thread and
/// `body(1...)` on the helpers, and returns when all are done. A run that arrives while another is
/// in progress (or from inside a job) runs every part inline on its own thread: never a deadlock.
public final class SpinTeam: @unchecked Sendable {
    /// One team for the process, `kernelWorkers` wide (its helpers live as long as the process).
    public static let shared = SpinTeam(size: kernelWorkers)

    /// Threads taking part in a run, the caller included.
    public let size: Int
    private let generation = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private var job: ((Int) -> Void)?
    /// Spin iterations before an idle helper sleeps (about a hundred microseconds).
    private let spinLimit = 200_000

    public init(size: Int) {
        self.size = max(1, size)
        for index in 1..<self.size {
            let thread = Thread { [unowned self] in self.helperLoop(index: index) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body(part)` for every `part` in `0..<parts` on the team: thread `t` takes parts
    /// `t, t + size, ...`, thread 0 being the caller.
    public func run(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, size > 1, !stopped.load(ordering: .relaxed), busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<parts { body(part) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let size = size
            job = { thread in
                var part = thread
                while part < parts { body(part); part += size }
            }
            remaining.store(size - 1, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            job!(0)
            while remaining.load(ordering: .acquiring) > 0 {}
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Ends the helper threads (after the run in progress, if any); later runs go inline.
    public func stop() {
        while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {}
        stopped.store(true, ordering: .sequentiallyConsistent)
        busy.store(false, ordering: .releasing)
    }

    private func helperLoop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                if stopped.load(ordering: .relaxed) { return }
                spins += 1
                if spins < spinLimit { continue }
                // Idle: short naps for a few milliseconds, then millisecond naps (no signals to miss).
                usleep(spins < spinLimit + 200 ? 20 : 1000)
            }
            seen = generation.load(ordering: .acquiring)
            job?(index)
            remaining.subtract(1, ordering: .releasing)
        }
    }
}
