import Foundation
import Synchronization

/// Worker threads for work items of a few microseconds (one batch-1 recurrent step, one decoding
/// step, one element-wise pass), where waking a thread through GCD costs more than the work: the
/// helpers spin on a shared word for a while after each job, so a run of back-to-back jobs hands
/// over in well under a microsecond, and nap once idle (20 µs naps, then 1 ms naps).
///
/// Parts are claimed, not assigned: the caller and the helpers take the next unclaimed part until
/// none is left, so a run never waits for a helper that is asleep or descheduled (the caller then
/// does every part itself); it waits only for parts a helper has already started. A run that
/// arrives while another is in progress (or from inside a job) runs every part inline on its own
/// thread: never a deadlock.
public final class SpinTeam: @unchecked Sendable {
    /// One team for the process, `kernelWorkers` wide (its helpers live as long as the process).
    public static let shared = SpinTeam(size: kernelWorkers)

    /// Threads taking part in a run, the caller included.
    public let size: Int
    /// The current run, packed: run number (bits 32...), part count (bits 16..<32), next unclaimed
    /// part (bits 0..<16). A claim is a compare-and-swap that also checks the run number, so a
    /// helper that wakes late never claims a part of a run it did not see published.
    private let state = Atomic<UInt64>(0)
    /// Parts of the current run not yet finished.
    private let unfinished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    /// The current run's body; written by the caller only while no part can be claimed.
    private var job: ((Int) -> Void)?
    /// The caller's count of runs (the high bits of `state`).
    private var runNumber: UInt64 = 0
    /// Spin iterations before an idle helper sleeps (about a hundred microseconds).
    private let spinLimit = 200_000
    private static let maximumParts = 1 << 16

    public init(size: Int) {
        self.size = max(1, size)
        for _ in 1..<self.size {
            // Helpers keep the team alive until `stop()` ends them.
            let thread = Thread { self.helperLoop() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body(part)` exactly once for every `part` in `0..<parts`, on the calling thread and
    /// whichever helpers are awake, and returns when all parts are done. Parts may run in any
    /// order and several on one thread: per-part scratch must be indexed by part, not by thread.
    /// With `callerTakesPartZero`, part 0 runs on the calling thread (a caller's callback that
    /// must stay on its thread), the others as usual.
    public func run(parts: Int, callerTakesPartZero: Bool = false, _ body: (Int) -> Void) {
        guard parts > 1, size > 1, parts < Self.maximumParts, !stopped.load(ordering: .relaxed),
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<parts { body(part) }
            return
        }
        publishAndWait(parts: parts, callerTakesPartZero: callerTakesPartZero, callerClaims: true, body)
    }

    /// Runs `body(0)` on the calling thread and each of `body(1)`, ..., `body(parts - 1)` on a helper,
    /// all at once, for parts that wait for each other (the stages of a pipeline): the caller never
    /// takes a helper's part, it waits for a sleeping helper to wake instead. Returns false, running
    /// nothing, when the team has fewer threads than `parts` or a run is already in progress (a call
    /// from inside a job), where such parts could not all run at once.
    public func runTogether(parts: Int, _ body: (Int) -> Void) -> Bool {
        guard parts >= 1, parts <= size, parts < Self.maximumParts, !stopped.load(ordering: .relaxed),
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        publishAndWait(parts: parts, callerTakesPartZero: true, callerClaims: false, body)
        return true
    }

    /// A run for a caller holding `busy`: publishes `parts` parts, runs part 0 on the calling thread
    /// when `callerTakesPartZero`, claims further parts when `callerClaims`, returns once every part
    /// is done, and releases `busy`.
    private func publishAndWait(parts: Int, callerTakesPartZero: Bool, callerClaims: Bool, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            job = body
            runNumber = (runNumber + 1) & 0xFFFF_FFFF
            unfinished.store(parts, ordering: .relaxed)
            let reserved: UInt64 = callerTakesPartZero ? 1 : 0
            state.store(runNumber << 32 | UInt64(parts) << 16 | reserved, ordering: .releasing)
            if callerTakesPartZero {
                body(0)
                unfinished.subtract(1, ordering: .releasing)
            }
            if callerClaims { claimParts(of: runNumber) }
            while unfinished.load(ordering: .acquiring) > 0 {}
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

    /// Claims and runs parts of run `run` until none is left (or another run has begun).
    private func claimParts(of run: UInt64) {
        var current = state.load(ordering: .acquiring)
        while current >> 32 == run {
            let parts = (current >> 16) & 0xFFFF, next = current & 0xFFFF
            if next >= parts { return }
            let (claimed, seen) = state.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if claimed {
                job!(Int(next))
                unfinished.subtract(1, ordering: .releasing)
                current = state.load(ordering: .acquiring)
            } else {
                current = seen
            }
        }
    }

    private func helperLoop() {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            while state.load(ordering: .relaxed) >> 32 == seen {
                if stopped.load(ordering: .relaxed) { return }
                spins += 1
                if spins < spinLimit { continue }
                // Idle: short naps for a few milliseconds, then millisecond naps (no signals to miss).
                usleep(spins < spinLimit + 200 ? 20 : 1000)
            }
            seen = state.load(ordering: .acquiring) >> 32
            claimParts(of: seen)
        }
    }
}
