import Kernels

extension RecurrentStepper {
    /// Steps through a generated sequence with the read-out hidden behind the next step's products.
    ///
    /// Runs a step from `first` (the first layer's input gates, as `step(firstLayerInputGates:)`),
    /// then calls `next` with the top hidden state; `next` reads it out (logits, a draw) and returns
    /// the next step's first-layer input gates, or nil to stop. `next` runs on the calling thread;
    /// the hidden products of the following step (`W_hh h` of every layer, which do not depend on
    /// the next input) are computed by the other cores meanwhile, and each core then updates the
    /// first layer's units of its share as soon as the input is known. The states and outputs are
    /// exactly those of calling `step(firstLayerInputGates:)` in a loop.
    ///
    /// Every core keeps the same hidden units (the same weight rows) from step to step, so each
    /// core's share of the weights stays in its own caches. `readOutRows` (the rows of the read-out
    /// product `next` makes, e.g. the vocabulary size) gives the calling thread that many fewer rows
    /// of the hidden products, to balance the work. A stack of two layers on two cores runs as a
    /// pipeline instead (`generateInPipeline`), with the same results.
    public func generate(firstLayerInputGates first: UnsafePointer<Float>, readOutRows: Int = 0,
                         next: (UnsafePointer<Float>) -> UnsafePointer<Float>?) {
        // Two layers on two cores run as a pipeline, the first stage taking 9/16 of the second
        // layer's input product (the second stage also makes the read-out and all of layer 2's
        // hidden product): GRU sampling at batch 1 ran 2-30% faster than with each layer's units
        // split over the cores (with the first stage's share then in the hidden product). Of splits
        // from 136 to 168 units of 256 (3 sweeps), 144 and 152 were fastest.
        if layerCount == 2 && workers == 2 && generateInPipeline(first: first, split: hiddenSize * 9 / 16 / 8 * 8, next: next) { return }
        // The upper layers' updates keep the units of the hidden products: each part reads its own
        // scratch, so a part must update the units whose hidden products it made.
        let hiddenShares = unitShares(callerRowsAhead: readOutRows, rowsPerUnit: layerCount * gateCount)
        withoutActuallyEscaping(next) { next in
            var readOut: ((UnsafePointer<Float>) -> UnsafePointer<Float>?)?
            while advanceFirstLayer(shares: hiddenShares, input: first, readOut: readOut) {
                for layer in 1..<max(1, layerCount) { advanceUpperLayer(layer, shares: hiddenShares) }
                readOut = next
            }
        }
    }

    /// Contiguous ranges of hidden units, one per worker, with as many weight rows each
    /// (`rowsPerUnit` a unit) once worker 0, the calling thread, counts `callerRowsAhead` rows of
    /// other work; boundaries on multiples of 8 units (whole vector lanes).
    func unitShares(callerRowsAhead: Int, rowsPerUnit: Int) -> [Range<Int>] {
        let H = hiddenSize, parts = max(1, min(workers, H / 8))
        let total = Double(H * rowsPerUnit + callerRowsAhead), perPart = total / Double(parts)
        var bounds = [0]
        for part in 1..<parts {
            let rows = perPart * Double(part) - Double(callerRowsAhead)
            let unit = Int((rows / Double(rowsPerUnit) / 8).rounded()) * 8
            bounds.append(min(H, max(bounds.last!, unit)))
        }
        bounds.append(H)
        return (0..<parts).map { bounds[$0]..<bounds[$0 + 1] }
    }

    /// The hidden products of every layer (each part's `hiddenParts[k] = W_hh h_k`, + `b_hh` for a GRU) and
    /// the first layer's update, each worker over the units of its share. Worker 0, the calling
    /// thread, first finds the input: `readOut(top state)`, or `input` when `readOut` is nil; the
    /// others update their units once it is published. Returns false, with no state changed, when
    /// the read-out returned nil.
    private func advanceFirstLayer(shares: [Range<Int>], input: UnsafePointer<Float>,
                                   readOut: ((UnsafePointer<Float>) -> UnsafePointer<Float>?)?) -> Bool {
        let H = hiddenSize, G = gateCount, top = output
        let step = readOutStep.load(ordering: .relaxed) &+ 1
        SpinTeam.shared.run(parts: shares.count, callerTakesPartZero: true) { part in
            if part == 0 {
                readOutInput = readOut.map { $0(top) } ?? input
                readOutStep.store(step, ordering: .releasing)
            }
            let units = shares[part], hiddenParts = scratch[part].hiddenParts, descending = step & 1 == 1
            for i in 0..<layerCount {
                let layer = descending ? layerCount - 1 - i : i
                for j in 0..<G {
                    let q = descending ? G - 1 - j : j
                    let rows = (q * H + units.lowerBound)..<(q * H + units.upperBound)
                    hiddenPart(layer: layer, rows: rows, into: hiddenParts[layer].pointer + rows.lowerBound, descending: descending)
                }
            }
            // Part 0 runs first on the calling thread, so this wait always ends.
            while readOutStep.load(ordering: .acquiring) != step {}
            guard let gates = readOutInput else { return }
            // Into the spare buffer: other workers may still be reading h_0 for their products.
            updateUnits(layer: 0, units: units, inputGates: gates, hiddenGates: hiddenParts[0].pointer, into: spareFirstHidden.pointer)
        }
        guard readOutInput != nil else { return false }
        // Trading buffers, not copying, leaves each core's units in its own cache.
        swap(&hidden[0], &spareFirstHidden)
        return true
    }

    /// Layer `layer` (above the first): its input part and the update, each worker over its units,
    /// with the precomputed hidden part. The state is updated in place: its hidden product is
    /// already made, so no other worker reads it in this run.
    private func advanceUpperLayer(_ layer: Int, shares: [Range<Int>]) {
        let H = hiddenSize, G = gateCount, descending = readOutStep.load(ordering: .relaxed) & 1 == 1
        SpinTeam.shared.run(parts: shares.count, callerTakesPartZero: true) { part in
            let units = shares[part], own = scratch[part], gi = own.inputGates.pointer
            for j in 0..<G {
                let q = descending ? G - 1 - j : j
                let rows = (q * H + units.lowerBound)..<(q * H + units.upperBound)
                inputPart(layer: layer, x: hidden[layer - 1].pointer, rows: rows, into: gi + rows.lowerBound, descending: descending)
            }
            updateUnits(layer: layer, units: units, inputGates: gi, hiddenGates: own.hiddenParts[layer].pointer, into: hidden[layer].pointer)
        }
    }
}
