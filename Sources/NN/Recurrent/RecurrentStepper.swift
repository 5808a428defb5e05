import Kernels
import Synchronization

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
    /// Per layer, the bias the input part starts from: `b_ih` (GRU), `b_ih + b_hh` (LSTM, which
    /// adds both there), nil without biases. Copied when the stepper is made.
    let inputBias: [Buffer?]
    var hidden: [Buffer]
    let cell: [Buffer], nextHidden: Buffer
    /// The first layer's input gates for `step(input:)`, written by the calling thread alone.
    let inputGates: Buffer
    /// Each part's gate rows, in allocations of their own (see `PartScratch`), one per worker.
    private(set) var scratch: [PartScratch]
    /// `generate`: the first layer's next state, written by every worker for its units while the
    /// others may still read the current one; it then trades places with `hidden[0]`.
    var spareFirstHidden: Buffer
    /// `generate`: the next step's first-layer input gates from the read-out (nil: stop), and the
    /// number of the step they are for, published once they are written.
    var readOutInput: UnsafePointer<Float>?
    let readOutStep = Atomic<Int>(0)
    /// Cores a step's units are split over (1 below 128 units; settable).
    public var workers: Int {
        didSet { scratch = Self.partScratch(parts: workers, gates: gateCount * hiddenSize, layers: layerCount) }
    }

    /// A stepper over an LSTM stack (one direction; the weights are read live, not copied, the biases
    /// of the input part are copied once).
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
        inputBias = cells.map { cell in
            let (a, b) = (cell.2, kind == .lstm ? cell.3 : nil)
            guard a != nil || b != nil else { return nil }
            let bias = Buffer(count: gates * hidden)
            fillRows(bias.pointer, rows: 1, columns: gates * hidden, a: a.map { UnsafePointer($0.data) }, b: b.map { UnsafePointer($0.data) })
            return bias
        }
        self.hidden = (0..<cells.count).map { _ in Buffer(count: hidden) }
        cell = (0..<cells.count).map { _ in Buffer(count: kind == .lstm ? hidden : 0) }
        nextHidden = Buffer(count: hidden)
        inputGates = Buffer(count: gates * hidden)
        spareFirstHidden = Buffer(count: hidden)
        // The split runs on a spinning team (`SpinTeam`), which hands over in well under a
        // microsecond, so layers from 128 units are worth splitting.
        workers = hidden >= 128 ? min(SpinTeam.shared.size, hidden / 64) : 1
        scratch = Self.partScratch(parts: workers, gates: gates * hidden, layers: cells.count)
    }

    private static func partScratch(parts: Int, gates: Int, layers: Int) -> [PartScratch] {
        (0..<parts).map { _ in PartScratch(gates: gates, layers: layers) }
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
        writeInputGates(x: x, into: inputGates.pointer)
        return advance(firstLayerGates: UnsafePointer(inputGates.pointer))
    }

    /// The first layer's input gates for input `x`: `W_ih x + b_ih` (+ `b_hh` for an LSTM).
    private func writeInputGates(x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        inputPart(layer: 0, x: x, rows: 0..<(gateCount * hiddenSize), into: out)
    }

    /// One step from the first layer's precomputed input gates (a row of `inputGateTable`).
    @discardableResult
    public func step(firstLayerInputGates: UnsafePointer<Float>) -> UnsafePointer<Float> {
        advance(firstLayerGates: firstLayerInputGates)
    }

    private func advance(firstLayerGates: UnsafePointer<Float>) -> UnsafePointer<Float> {
        let H = hiddenSize, G = gateCount, workers = workers
        for layer in 0..<layerCount {
            SpinTeam.shared.run(parts: workers) { w in
                let units = workerRange(w, of: workers, total: H), own = scratch[w]
                let gi = own.inputGates.pointer, gh = own.hiddenParts[layer].pointer
                for q in 0..<G {
                    let rows = (q * H + units.lowerBound)..<(q * H + units.upperBound)
                    // Input part: precomputed for the first layer, W_ih h_below + biases above.
                    if layer > 0 { inputPart(layer: layer, x: hidden[layer - 1].pointer, rows: rows, into: gi + rows.lowerBound) }
                    hiddenPart(layer: layer, rows: rows, into: gh + rows.lowerBound)
                }
                updateUnits(layer: layer, units: units, inputGates: layer > 0 ? UnsafePointer(gi) : firstLayerGates, hiddenGates: gh)
            }
            hidden[layer].pointer.update(from: nextHidden.pointer, count: H)
        }
        return output
    }

    /// Rows `rows` of layer `layer`'s input part, `W_ih x + b_ih` (+ `b_hh` for an LSTM, which adds
    /// both biases there), into `out[0..<rows.count]`.
    func inputPart(layer: Int, x: UnsafePointer<Float>, rows: Range<Int>, into out: UnsafeMutablePointer<Float>, descending: Bool = false) {
        let width = layer == 0 ? inputSize : hiddenSize
        let bias = inputBias[layer].map { UnsafePointer($0.pointer + rows.lowerBound) }
        if bias == nil { out.update(repeating: 0, count: rows.count) }
        rowDots(weightIH[layer].data, ld: width, k: width, x: x, rows: rows, into: out, accumulate: bias == nil, start: bias,
                descending: descending)
    }

    /// Rows `rows` of layer `layer`'s hidden part, `W_hh h` (+ `b_hh` for a GRU, which needs it
    /// apart for the n gate), into `out[0..<rows.count]`; `h` is the layer's state, or `state`.
    func hiddenPart(layer: Int, state: UnsafePointer<Float>? = nil, rows: Range<Int>, into out: UnsafeMutablePointer<Float>,
                    descending: Bool = false) {
        // `b_hh + W_hh h` has the bits of `W_hh h + b_hh` (addition commutes exactly).
        let bias = kind == .gru ? biasHH[layer].map { UnsafePointer($0.data + rows.lowerBound) } : nil
        rowDots(weightHH[layer].data, ld: hiddenSize, k: hiddenSize, x: state ?? UnsafePointer(hidden[layer].pointer), rows: rows,
                into: out, start: bias, descending: descending)
    }

    /// The element-wise update of `units` of layer `layer` from its input and hidden parts
    /// (`[G * H]` each) into `nextHidden` (and the layer's cell state, for an LSTM).
    func updateUnits(layer: Int, units: Range<Int>, inputGates: UnsafePointer<Float>, hiddenGates: UnsafePointer<Float>) {
        updateUnits(layer: layer, units: units, inputGates: inputGates, hiddenGates: hiddenGates, into: nextHidden.pointer)
    }

    /// The same, the new hidden state into `next` (`[H]`), from the layer's state or `previous`.
    func updateUnits(layer: Int, units: Range<Int>, inputGates: UnsafePointer<Float>, hiddenGates: UnsafePointer<Float>,
                     previous: UnsafePointer<Float>? = nil, into next: UnsafeMutablePointer<Float>) {
        switch kind {
        case .lstm:
            lstmUnitsForward(gates: inputGates, otherGates: hiddenGates, hidden: hiddenSize, units: units,
                             c: cell[layer].pointer, h: next)
        case .gru:
            gruUnitsForward(inputGates: inputGates, hiddenGates: hiddenGates, hidden: hiddenSize, units: units,
                            h: previous ?? UnsafePointer(hidden[layer].pointer), next: next)
        }
    }
}

/// One part's gate rows of a step: the input part `[G * H]` and, per layer, the hidden part
/// `[G * H]`, of which the part writes and reads only the rows of its own units. Each is an
/// allocation of its own (`Buffer(unsharedCount:)`), so no pair of cache lines (what the hardware
/// prefetcher fetches together) is written by two cores. With the gate rows of both cores in one
/// buffer, a batch-1 GRU step's weight streaming ran 40-50% slower whenever the two cores were far
/// apart (borders between the cores' rows aligned to 64 bytes did not help; separate buffers did).
final class PartScratch {
    let inputGates: Buffer
    let hiddenParts: [Buffer]

    init(gates: Int, layers: Int) {
        inputGates = Buffer(unsharedCount: gates)
        hiddenParts = (0..<layers).map { _ in Buffer(unsharedCount: gates) }
    }
}
