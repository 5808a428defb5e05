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
        let H = hiddenSize, rows = gateCount * H, chunks = max(1, 4 * workers), layers = layerCount
        let top = output, kind = kind
        var result: UnsafePointer<Float>?
        SpinTeam.shared.run(parts: 1 + layers * chunks, callerTakesPartZero: true) { part in
            if part == 0 {
                result = readOut?(top)
                return
            }
            let layer = (part - 1) / chunks, range = workerRange((part - 1) % chunks, of: chunks, total: rows)
            let out = hiddenParts[layer].pointer + range.lowerBound
            rowDots(weightHH[layer].data, ld: H, k: H, x: hidden[layer].pointer, rows: range, into: out)
            if kind == .gru, let bias = biasHH[layer] { accumulate(bias.data + range.lowerBound, into: out, count: range.count) }
        }
        return result
    }

    /// The first layer's update from its input gates and the precomputed hidden part.
    private func updateFirstLayer(inputGates: UnsafePointer<Float>) {
        let H = hiddenSize
        switch kind {
        case .lstm:
            lstmUnitsForward(gates: inputGates, otherGates: hiddenParts[0].pointer, hidden: H, units: 0..<H,
                             c: cell[0].pointer, h: nextHidden.pointer)
        case .gru:
            gruUnitsForward(inputGates: inputGates, hiddenGates: hiddenParts[0].pointer, hidden: H, units: 0..<H,
                            h: hidden[0].pointer, next: nextHidden.pointer)
        }
        hidden[0].pointer.update(from: nextHidden.pointer, count: H)
    }

    /// Layer `layer` (above the first): its input gates `W_ih h_below + b_ih` (+ `b_hh` for an LSTM)
    /// and the update, units split over the team, with the precomputed hidden part.
    private func advanceUpperLayer(_ layer: Int) {
        let H = hiddenSize, G = gateCount, kind = kind, workers = workers
        let below = hidden[layer - 1].pointer, wih = weightIH[layer].data
        let bih = biasIH[layer]?.data, bhh = biasHH[layer]?.data
        let gi = gates.pointer, gh = hiddenParts[layer].pointer, h = hidden[layer].pointer, c = cell[layer].pointer, next = nextHidden.pointer
        SpinTeam.shared.run(parts: workers) { w in
            let units = workerRange(w, of: workers, total: H)
            for q in 0..<G {
                let rows = (q * H + units.lowerBound)..<(q * H + units.upperBound)
                let giRows = gi + rows.lowerBound
                for (i, r) in rows.enumerated() { giRows[i] = (bih?[r] ?? 0) + (kind == .lstm ? bhh?[r] ?? 0 : 0) }
                rowDots(wih, ld: H, k: H, x: below, rows: rows, into: giRows, accumulate: true)
            }
            switch kind {
            case .lstm: lstmUnitsForward(gates: gi, otherGates: gh, hidden: H, units: units, c: c, h: next)
            case .gru: gruUnitsForward(inputGates: gi, hiddenGates: gh, hidden: H, units: units, h: h, next: next)
            }
        }
        h.update(from: next, count: H)
    }
}
