import Kernels

/// Batch-1 steps through a stack of unidirectional LSTM or GRU layers without building a graph or
/// allocating: the per-character loop of sampling and the per-word loop of greedy decoding.
///
/// Each layer's step splits its hidden units over the cores; a worker computes the gate rows of
/// its units (`rowDots` over the weights, which stream from cache) and their element-wise update.
/// The first layer's input can be given as precomputed input gates (`inputGateTable`: an embedding
/// row times `W_ih^T` plus biases), which turns its input product into a lookup.
public final class RecurrentStepper {
    enum Kind { case lstm, gru }
    let kind: Kind
    let gateCount: Int
    public let layerCount: Int, hiddenSize: Int, inputSize: Int
    let weightIH: [Tensor], weightHH: [Tensor], biasIH: [Tensor?], biasHH: [Tensor?]
    let hidden: [Buffer], cell: [Buffer], nextHidden: Buffer, gates: Buffer, hiddenGates: Buffer
    /// Per layer, the hidden part of the next step's gates (`generate` computes them ahead).
    let hiddenParts: [Buffer]
    /// Cores a step's units are split over (1 below 1024 units; settable).
    public var workers: Int

    /// A stepper over an LSTM stack (one direction; the weights are read live, not copied).
    public convenience init(_ lstm: LSTM) {
        precondition(lstm.directionCount == 1, "RecurrentStepper runs one direction")
        let cells = lstm.cells.map { $0[0] }
        self.init(kind: .lstm, gates: 4, cells: cells.map { ($0.weightIH, $0.weightHH, $0.biasIH, $0.biasHH) },
                  hidden: cells[0].hiddenSize, input: cells[0].inputSize)
        precondition(cells.allSatisfy { $0.activations == .standard }, "RecurrentStepper runs the standard LSTM activations")
    }

    /// A stepper over a GRU stack (one direction).
    public convenience init(_ gru: GRU) {
        precondition(gru.directionCount == 1, "RecurrentStepper runs one direction")
        let cells = gru.cells.map { $0[0] }
        self.init(kind: .gru, gates: 3, cells: cells.map { ($0.weightIH, $0.weightHH, $0.biasIH, $0.biasHH) },
                  hidden: cells[0].hiddenSize, input: cells[0].inputSize)
    }

    init(kind: Kind, gates: Int, cells: [(Tensor, Tensor, Tensor?, Tensor?)], hidden: Int, input: Int) {
        self.kind = kind
        gateCount = gates
        layerCount = cells.count; hiddenSize = hidden; inputSize = input
        weightIH = cells.map(\.0); weightHH = cells.map(\.1); biasIH = cells.map(\.2); biasHH = cells.map(\.3)
        self.hidden = (0..<cells.count).map { _ in Buffer(count: hidden) }
        cell = (0..<cells.count).map { _ in Buffer(count: kind == .lstm ? hidden : 0) }
        nextHidden = Buffer(count: hidden)
        self.gates = Buffer(count: gates * hidden)
        hiddenGates = Buffer(count: gates * hidden)
        hiddenParts = (0..<cells.count).map { _ in Buffer(count: gates * hidden) }
        // The split runs on a spinning team (`SpinTeam`), which hands over in well under a
        // microsecond, so layers from 128 units are worth splitting.
        workers = hidden >= 128 ? min(SpinTeam.shared.size, hidden / 64) : 1
    }

    /// Sets every state to zero.
    public func reset() {
        for b in hidden { b.pointer.update(repeating: 0, count: b.count) }
        for b in cell { b.pointer.update(repeating: 0, count: b.count) }
    }

    /// The top layer's hidden state after the last step (`hiddenSize` floats).
    public var output: UnsafePointer<Float> { UnsafePointer(hidden[layerCount - 1].pointer) }

    /// Layer `layer`'s hidden state (and, for an LSTM, cell state) as values.
    public func state(layer: Int) -> (h: [Float], c: [Float]?) {
        (Array(UnsafeBufferPointer(start: hidden[layer].pointer, count: hiddenSize)),
         kind == .lstm ? Array(UnsafeBufferPointer(start: cell[layer].pointer, count: hiddenSize)) : nil)
    }

    /// The first layer's input gates for every row of `table` (`[rows, inputSize]`, an embedding):
    /// `table W_ih^T + b_ih`, plus `b_hh` for an LSTM (a GRU keeps `b_hh` with the hidden product).
    /// Shape `[rows, gates * hiddenSize]`, row-major.
    public func inputGateTable(for table: Tensor) -> [Float] {
        precondition(table.rank == 2 && table.shape[1] == inputSize, "input gate table needs rows of \(inputSize), got \(table.shape)")
        let g = gateCount * hiddenSize
        var result = [Float](repeating: 0, count: table.shape[0] * g)
        result.withUnsafeMutableBufferPointer { out in
            for r in 0..<table.shape[0] { writeInputGates(x: table.data + r * inputSize, into: out.baseAddress! + r * g) }
        }
        return result
    }

    /// One step from an input vector `x` (`inputSize` floats). Returns the top hidden state.
    @discardableResult
    public func step(input x: UnsafePointer<Float>) -> UnsafePointer<Float> {
        writeInputGates(x: x, into: gates.pointer)
        return advance(firstLayerGates: UnsafePointer(gates.pointer))
    }

    /// The first layer's input gates for input `x`: `W_ih x + b_ih` (+ `b_hh` for an LSTM).
    private func writeInputGates(x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let g = gateCount * hiddenSize
        fillRows(out, rows: 1, columns: g, a: biasIH[0]?.data, b: kind == .lstm ? biasHH[0]?.data : nil)
        rowDots(weightIH[0].data, ld: inputSize, k: inputSize, x: x, rows: 0..<g, into: out, accumulate: true)
    }

    /// One step from the first layer's precomputed input gates (a row of `inputGateTable`).
    @discardableResult
    public func step(firstLayerInputGates: UnsafePointer<Float>) -> UnsafePointer<Float> {
        advance(firstLayerGates: firstLayerInputGates)
    }

    private func advance(firstLayerGates: UnsafePointer<Float>) -> UnsafePointer<Float> {
        let H = hiddenSize, G = gateCount
        for layer in 0..<layerCount {
            let inputGates = SharedPointer(firstLayerGates)
            let below = layer > 0 ? SharedPointer(UnsafePointer(hidden[layer - 1].pointer)) : nil
            let wih = SharedPointer(UnsafePointer(weightIH[layer].data)), whh = SharedPointer(UnsafePointer(weightHH[layer].data))
            let bih = biasIH[layer].map { SharedPointer(UnsafePointer($0.data)) }, bhh = biasHH[layer].map { SharedPointer(UnsafePointer($0.data)) }
            let h = hidden[layer], c = cell[layer], next = nextHidden, gi = gates, gh = hiddenGates
            let kind = kind, workers = workers, inputWidth = layer == 0 ? inputSize : H
            SpinTeam.shared.run(parts: workers) { w in
                let units = workerRange(w, of: workers, total: H)
                for q in 0..<G {
                    let rows = (q * H + units.lowerBound)..<(q * H + units.upperBound)
                    let giRows = gi.pointer + rows.lowerBound, ghRows = gh.pointer + rows.lowerBound
                    // Input part: precomputed for the first layer, W_ih h_below + b_ih (+ b_hh) above.
                    if let below {
                        for (i, r) in rows.enumerated() { giRows[i] = (bih?.pointer[r] ?? 0) + (kind == .lstm ? bhh?.pointer[r] ?? 0 : 0) }
                        rowDots(wih.pointer, ld: inputWidth, k: inputWidth, x: below.pointer, rows: rows, into: giRows, accumulate: true)
                    } else {
                        giRows.update(from: inputGates.pointer + rows.lowerBound, count: rows.count)
                    }
                    // Hidden part: W_hh h (+ b_hh for a GRU, which needs it apart for the n gate).
                    rowDots(whh.pointer, ld: H, k: H, x: h.pointer, rows: rows, into: ghRows)
                    if kind == .gru, let bhh { for (i, r) in rows.enumerated() { ghRows[i] += bhh.pointer[r] } }
                }
                switch kind {
                case .lstm:
                    lstmUnitsForward(gates: gi.pointer, otherGates: gh.pointer, hidden: H, units: units, c: c.pointer, h: next.pointer)
                case .gru:
                    gruUnitsForward(inputGates: gi.pointer, hiddenGates: gh.pointer, hidden: H, units: units, h: h.pointer, next: next.pointer)
                }
            }
            h.pointer.update(from: next.pointer, count: H)
        }
        return output
    }
}
