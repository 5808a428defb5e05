import Dispatch
import Foundation
import Kernels
import Synchronization

/// The round trip of a cache line between two threads: the calling thread stores a number, a
/// second thread waiting for it stores it back, a million times. Every step of batch-1 sampling and
/// decoding hands data between the cores, so it slows as this grows; on a shared virtual machine it
/// moves between about 100 and 500 ns as the two virtual cores are placed nearer or farther apart,
/// and a comparison is only fair between runs made at the same latency. Then the cost of a
/// hand-off through `SpinTeam` (`benchmarkTeamRun`).
func benchmarkCoreLatency(_ report: Report) {
    let rounds = 1_000_000
    let ping = PingPong()
    let partner = Thread {
        for i in 1...rounds {
            while ping.forth.load(ordering: .acquiring) != i {}
            ping.back.store(i, ordering: .releasing)
        }
    }
    partner.start()
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 1...rounds {
        ping.forth.store(i, ordering: .releasing)
        while ping.back.load(ordering: .acquiring) != i {}
    }
    let nanoseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(rounds)
    report.add("core_to_core_round_trip", "nanoseconds", nanoseconds, "ns")
    benchmarkTeamRun(report)
}

/// The cost of handing the second part of a two-part job of no work to a `SpinTeam` helper and
/// waiting for it: the fixed price of each parallel run of a batch-1 step.
private func benchmarkTeamRun(_ report: Report) {
    let runs = 200_000
    let started = PingPong()
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 1...runs {
        // Part 0 waits until a helper has begun part 1, so the run always crosses to another core.
        SpinTeam.shared.run(parts: 2, callerTakesPartZero: true) { part in
            if part == 1 { started.back.store(i, ordering: .releasing) } else { while started.back.load(ordering: .acquiring) != i {} }
        }
    }
    let nanoseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(runs)
    report.add("spin_team_run_2_parts", "nanoseconds", nanoseconds, "ns")
}

/// Two counters on separate cache lines.
private final class PingPong: @unchecked Sendable {
    let forth = Atomic<Int>(0)
    private let padding = (0, 0, 0, 0, 0, 0, 0, 0)
    let back = Atomic<Int>(0)
}
