import Kernels

extension RecurrentStepper {
    /// Steps through a generated sequence with the read-out hidden behind the next step's products.
    ///
    /// Runs a step from `first` (the first layer's input gates, as `step(firstLayerInputGates:)`),
    /// then calls `next` with the top hidden state; `next` reads it out (logits, a draw) and returns
    /// the next step's first-layer input gates, or nil to stop. `next` runs on the calling thread;
    /// the hidden products of the following step (`W_hh h` of every layer, which do not depend on
    /// the next input) are computed by the other cores meanwhile, and by this thread once it
    /// returns. The states and outputs are exactly those of calling `step(firstLayerInputGates:)`
    /// in a loop.
    public func generate(firstLayerInputGates first: UnsafePointer<Float>, next: (UnsafePointer<Float>) -> UnsafePointer<Float>?) {
        computeHiddenParts(readOut: nil)
        withoutActuallyEscaping(next) { next in
            var inputGates: UnsafePointer<Float>? = first
            while let gates = inputGates {
                updateFirstLayer(inputGates: gates)
                for layer in 1..<max(1, layerCount) { advanceUpperLayer(layer) }
                inputGates = computeHiddenParts(readOut: next)
            }
        }
    }

    /// `hiddenParts[k] = W_hh h_k` (+ `b_hh` for a GRU) for every layer, in chunks of rows over the
    /// team; with `readOut`, part 0 calls it with the top state first. Returns what it returned.
    @discardableResult
    private func computeHiddenParts(readOut: ((UnsafePointer<Float>) -> UnsafePointer<Float>?)?) -> UnsafePointer<Float>? {
        let rows = gateCount * hiddenSize, chunks = max(1, 4 * workers)
        let top = output
        var result: UnsafePointer<Float>?
        SpinTeam.shared.run(parts: 1 + layerCount * chunks, callerTakesPartZero: true) { part in
            if part == 0 {
                result = readOut?(top)
                return
            }
            let layer = (part - 1) / chunks, range = workerRange((part - 1) % chunks, of: chunks, total: rows)
            hiddenPart(layer: layer, rows: range, into: hiddenParts[layer].pointer + range.lowerBound)
        }
        return result
    }

    /// The first layer's update from its input gates and the precomputed hidden part.
    private func updateFirstLayer(inputGates: UnsafePointer<Float>) {
        updateUnits(layer: 0, units: 0..<hiddenSize, inputGates: inputGates, hiddenGates: hiddenParts[0].pointer)
        hidden[0].pointer.update(from: nextHidden.pointer, count: hiddenSize)
    }

    /// Layer `layer` (above the first): its input part and the update, units split over the team,
    /// with the precomputed hidden part.
    private func advanceUpperLayer(_ layer: Int) {
        let H = hiddenSize, G = gateCount, workers = workers, gi = gates.pointer
        SpinTeam.shared.run(parts: workers) { w in
            let units = workerRange(w, of: workers, total: H)
            for q in 0..<G {
                let rows = (q * H + units.lowerBound)..<(q * H + units.upperBound)
                inputPart(layer: layer, x: hidden[layer - 1].pointer, rows: rows, into: gi + rows.lowerBound)
            }
            updateUnits(layer: layer, units: units, inputGates: gi, hiddenGates: hiddenParts[layer].pointer)
        }
        hidden[layer].pointer.update(from: nextHidden.pointer, count: H)
    }
}
