import Kernels
import Synchronization

/// The steps one stage of `generateInPipeline` has finished, written by that stage alone and read
/// by the other (padded so that the two stages' signals never share a cache line).
final class StageSignals: @unchecked Sendable {
    /// First stage: the step whose first-layer state is written. Second stage: the step whose
    /// first-layer input gates `nextInput` holds.
    let step = Atomic<Int>(-1)
    /// First stage: the step whose share of layer 2's input product is made. Second stage: unused.
    let other = Atomic<Int>(-1)
    /// Second stage: the next step's first-layer input gates (nil: stop), published by `step`.
    var nextInput: UnsafePointer<Float>?
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

extension RecurrentStepper {
    /// `generate` for a stack of two layers on two cores, as a two-stage pipeline instead of
    /// splitting each layer's units over the cores:
    /// - the first stage (a helper core) makes layer 1's update as soon as the input is known, then
    ///   its share of layer 2's input product `W_ih2 h1` (units `0..<split` of every gate), then
    ///   `W_hh1 h1` for the next step;
    /// - the second stage (the calling thread) makes the rest of `W_ih2 h1` once layer 1's state is
    ///   published, layer 2's update, the read-out (`next`), then all of `W_hh2 h2` for the next step.
    /// Layer 2's state never leaves the calling thread; the helper gets the input microseconds
    /// before it needs it, and the caller gets layer 1's state and the share of `W_ih2 h1` about
    /// when it needs them. Timed per step with the cores near (GRU, 2 x 256 units): the caller
    /// waited 0.2-0.7 µs in all and the helper had slack; with the helper making a share of
    /// `W_hh2 h2` instead, each stage waited for the other once a step, 0.9-1.4 µs each.
    /// Every row is dotted by the same kernel as in `step`, so states and outputs are those of
    /// `step(firstLayerInputGates:)` in a loop. Returns false, with nothing run, when the team
    /// cannot run both stages at once.
    func generateInPipeline(first: UnsafePointer<Float>, split: Int, next: (UnsafePointer<Float>) -> UnsafePointer<Float>?) -> Bool {
        precondition(layerCount == 2 && split >= 0 && split <= hiddenSize, "a pipeline of two layers")
        let H = hiddenSize, G = gateCount
        // States of step t in slot t & 1; the initial ones in slot 1 (step -1).
        let firstStates = [Buffer(unsharedCount: H), Buffer(unsharedCount: H)]
        let secondStates = [Buffer(unsharedCount: H), Buffer(unsharedCount: H)]
        firstStates[1].pointer.update(from: hidden[0].pointer, count: H)
        secondStates[1].pointer.update(from: hidden[1].pointer, count: H)
        // Each stage writes its own rows of layer 2's input product into a buffer of its own.
        let firstHidden = Buffer(unsharedCount: G * H), secondHidden = Buffer(unsharedCount: G * H)
        let inputShares = (first: Buffer(unsharedCount: G * H), second: Buffer(unsharedCount: G * H))
        let firstStage = StageSignals(), secondStage = StageSignals()
        secondStage.nextInput = first
        secondStage.step.store(0, ordering: .releasing)
        var last = -1

        // Rows of `W_ih2 h1` for units `units` of every gate.
        func secondInputShare(_ units: Range<Int>, state: UnsafePointer<Float>, into out: Buffer, descending: Bool) {
            for j in 0..<G {
                let q = descending ? G - 1 - j : j
                let rows = (q * H + units.lowerBound)..<(q * H + units.upperBound)
                if !rows.isEmpty { inputPart(layer: 1, x: state, rows: rows, into: out.pointer + rows.lowerBound, descending: descending) }
            }
        }

        func runFirstStage() {
            hiddenPart(layer: 0, state: firstStates[1].pointer, rows: 0..<(G * H), into: firstHidden.pointer)
            var t = 0
            while true {
                while secondStage.step.load(ordering: .acquiring) < t {}
                guard let input = secondStage.nextInput else { return }
                let state = firstStates[t & 1].pointer, descending = t & 1 == 1
                updateUnits(layer: 0, units: 0..<H, inputGates: input, hiddenGates: firstHidden.pointer,
                            previous: firstStates[(t + 1) & 1].pointer, into: state)
                firstStage.step.store(t, ordering: .releasing)
                secondInputShare(0..<split, state: state, into: inputShares.first, descending: descending)
                firstStage.other.store(t, ordering: .releasing)
                hiddenPart(layer: 0, state: state, rows: 0..<(G * H), into: firstHidden.pointer, descending: descending)
                t += 1
            }
        }

        func runSecondStage() {
            hiddenPart(layer: 1, state: secondStates[1].pointer, rows: 0..<(G * H), into: secondHidden.pointer)
            var t = 0
            while true {
                while firstStage.step.load(ordering: .acquiring) < t {}
                let state = secondStates[t & 1].pointer, previous = secondStates[(t + 1) & 1].pointer, descending = t & 1 == 1
                secondInputShare(split..<H, state: firstStates[t & 1].pointer, into: inputShares.second, descending: descending)
                while firstStage.other.load(ordering: .acquiring) < t {}
                updateUnits(layer: 1, units: 0..<split, inputGates: inputShares.first.pointer, hiddenGates: secondHidden.pointer,
                            previous: previous, into: state)
                updateUnits(layer: 1, units: split..<H, inputGates: inputShares.second.pointer, hiddenGates: secondHidden.pointer,
                            previous: previous, into: state)
                last = t
                let input = next(state)
                secondStage.nextInput = input
                secondStage.step.store(t + 1, ordering: .releasing)
                guard input != nil else { return }
                hiddenPart(layer: 1, state: state, rows: 0..<(G * H), into: secondHidden.pointer, descending: descending)
                t += 1
            }
        }

        let ran = SpinTeam.shared.runTogether(parts: 2) { part in
            if part == 0 { runSecondStage() } else { runFirstStage() }
        }
        guard ran else { return false }
        withExtendedLifetime((firstStates, secondStates)) {
            hidden[0].pointer.update(from: firstStates[last & 1].pointer, count: H)
            hidden[1].pointer.update(from: secondStates[last & 1].pointer, count: H)
        }
        return true
    }
}
