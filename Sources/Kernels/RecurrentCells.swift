import CStream
import CWideProducts
/// Activation functions of recurrent cells, applied to 8 lanes at a time; each derivative is
/// written through the function's output `y`, which is what the cells keep for the backward.
public enum RecurrentActivation: String, Sendable, CaseIterable, Codable {
    case tanh, sigmoid, relu, identity

    /// y = f(x).
    @inline(__always)
    public func callAsFunction(_ x: Float8) -> Float8 {
        switch self {
        case .tanh: return fastTanh(x)
        case .sigmoid: return fastSigmoid(x)
        case .relu: return x.replacing(with: 0, where: x .< 0)
        case .identity: return x
        }
    }

    /// f'(x) written with y = f(x): tanh 1 - y^2, sigmoid y (1 - y), relu [y > 0], identity 1.
    @inline(__always)
    public func derivative(output y: Float8) -> Float8 {
        switch self {
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .relu: return Float8(repeating: 0).replacing(with: 1, where: y .> 0)
        case .identity: return Float8(repeating: 1)
        }
    }

    /// Applies f in place to `count` floats.
    public func apply(_ p: UnsafeMutablePointer<Float>, count: Int) {
        if self == .identity { return }
        @inline(__always) func lanes(_ j: Int, _ n: Int) {
            store(self(load(p + j, n)), p + j, n)
        }
        forEachLaneGroup(0..<count, lanes)
    }
}

/// Loads `n` (1...8) floats into the low lanes of a vector (the rest 0).
@inline(__always)
func load(_ p: UnsafePointer<Float>, _ n: Int) -> Float8 {
    if n == 8 { return load8(p) }
    var v = Float8(repeating: 0)
    for k in 0..<n { v[k] = p[k] }
    return v
}

@inline(__always)
func load(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> Float8 { load(UnsafePointer(p), n) }

/// Stores the low `n` lanes of a vector as `store` does, but a whole vector at a 32-byte-aligned
/// address past the caches (a non-temporal store: the line is not read first). For results read
/// only much later, by another pass; `streamFence()` must follow before another core reads them.
@inline(__always)
func stream(_ v: Float8, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    if n == 8 && UInt(bitPattern: p) & 31 == 0 { glimpse_stream8(p, v); return }
    store(v, p, n)
}

/// Orders the `stream` stores before every later store (they are weakly ordered).
@inline(__always)
func streamFence() { glimpse_stream_fence() }

/// Stores the low `n` (1...8) lanes of a vector.
@inline(__always)
func store(_ v: Float8, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    if n == 8 { store8(v, p); return }
    for k in 0..<n { p[k] = v[k] }
}

/// Calls `body(j, 8)` for each whole group of eight indices of `range` and `body(j, rest)` for the
/// tail. Pass a nested `@inline(__always) func`, not a closure literal: the function is inlined at
/// both calls, so with the literal 8 its `load(_:_:)` and `store(_:_:_:)` become whole-vector moves
/// and its math whole-vector instructions. A closure literal may be compiled once, out of line, for
/// any `n`, and then all of its vector math runs lane by lane (a GRU update measured 3x slower).
@inline(__always)
func forEachLaneGroup(_ range: Range<Int>, _ body: (_ j: Int, _ n: Int) -> Void) {
    var j = range.lowerBound
    while j + 8 <= range.upperBound {
        body(j, 8)
        j += 8
    }
    if j < range.upperBound { body(j, range.upperBound - j) }
}

/// The activations of an LSTM: gates (i, f, o), candidate (g) and cell output.
/// PyTorch's LSTM is sigmoid, tanh, tanh.
public struct LSTMActivations: Sendable, Equatable, Codable {
    public var gate: RecurrentActivation
    public var candidate: RecurrentActivation
    public var cell: RecurrentActivation
    public init(gate: RecurrentActivation = .sigmoid, candidate: RecurrentActivation = .tanh, cell: RecurrentActivation = .tanh) {
        self.gate = gate; self.candidate = candidate; self.cell = cell
    }
    public static let standard = LSTMActivations()
}

/// One LSTM step's element-wise pass for `batch` rows, gates stacked i, f, g, o (PyTorch order).
/// In: `gates [B, 4H]` pre-activations (`x W_ih^T + b_ih + h W_hh^T + b_hh`), `cPrev [B, H]`.
/// Out: `gates` activated in place, `c = f * cPrev + i * g`, `cellOutput = act_cell(c)`,
/// `h = o * cellOutput` (all `[B, H]`).
public func lstmStepForward(
    gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, cellOutput: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
    batch: Int, hidden: Int, activations: LSTMActivations = .standard
) {
    let H = hidden
    if activations == .standard && H % 8 == 0 {
        lstmStandardStepForward(gates: gates, cPrev: cPrev, c: c, cellOutput: cellOutput, h: h, batch: batch, hidden: hidden)
        return
    }
    for b in 0..<batch {
        let a = gates + b * 4 * H
        let cp = cPrev + b * H, cb = c + b * H, tb = cellOutput + b * H, hb = h + b * H
        @inline(__always) func lanes(_ j: Int, _ n: Int) {
            let i = activations.gate(load(a + j, n))
            let f = activations.gate(load(a + H + j, n))
            let g = activations.candidate(load(a + 2 * H + j, n))
            let o = activations.gate(load(a + 3 * H + j, n))
            let cv = f * load(cp + j, n) + i * g
            let tc = activations.cell(cv)
            store(i, a + j, n); store(f, a + H + j, n); store(g, a + 2 * H + j, n); store(o, a + 3 * H + j, n)
            store(cv, cb + j, n); store(tc, tb + j, n); store(o * tc, hb + j, n)
        }
        forEachLaneGroup(0..<H, lanes)
    }
}

/// Backward of `lstmStepForward` for `batch` rows (the caller passes only the rows that are active at this step).
/// In: activated `gates`, `cPrev`, `cellOutput`, `gradH` (total gradient reaching h), `gradC`
/// (gradient reaching c from the next step). Out: `gradGates [B, 4H]` (pre-activation gradients),
/// `gradC` overwritten with the gradient reaching `cPrev`:
/// `dc = gradC + dh * o * act_cell'(c)`, `di = dc g`, `df = dc cPrev`, `dg = dc i`, `do = dh act_cell(c)`.
public func lstmStepBackward(
    gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, cellOutput: UnsafePointer<Float>,
    gradH: UnsafePointer<Float>, gradC: UnsafeMutablePointer<Float>, gradGates: UnsafeMutablePointer<Float>,
    batch: Int, hidden: Int, activations: LSTMActivations = .standard
) {
    let H = hidden
    if activations == .standard && H % 8 == 0 {
        lstmStandardStepBackward(gates: gates, cPrev: cPrev, cellOutput: cellOutput, gradH: gradH, gradC: gradC,
                                 gradGates: gradGates, batch: batch, hidden: hidden)
        return
    }
    for b in 0..<batch {
        let a = gates + b * 4 * H, da = gradGates + b * 4 * H
        let cp = cPrev + b * H, tb = cellOutput + b * H, dhb = gradH + b * H, dcb = gradC + b * H
        @inline(__always) func lanes(_ j: Int, _ n: Int) {
            let i = load(a + j, n), f = load(a + H + j, n), g = load(a + 2 * H + j, n), o = load(a + 3 * H + j, n)
            let tc = load(tb + j, n), dh = load(dhb + j, n)
            let dc = load(dcb + j, n) + dh * o * activations.cell.derivative(output: tc)
            store(dc * g * activations.gate.derivative(output: i), da + j, n)
            store(dc * load(cp + j, n) * activations.gate.derivative(output: f), da + H + j, n)
            store(dc * i * activations.candidate.derivative(output: g), da + 2 * H + j, n)
            store(dh * tc * activations.gate.derivative(output: o), da + 3 * H + j, n)
            store(dc * f, dcb + j, n)
        }
        forEachLaneGroup(0..<H, lanes)
    }
}

/// `lstmStepForward` for PyTorch's activations (sigmoid gates, tanh candidate and cell output)
/// and a hidden size that is a multiple of 8: the same arithmetic with the functions inlined.
func lstmStandardStepForward(
    gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, cellOutput: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
    batch: Int, hidden H: Int
) {
    for b in 0..<batch {
        let a = gates + b * 4 * H
        let cp = cPrev + b * H, cb = c + b * H, tb = cellOutput + b * H, hb = h + b * H
        for j in stride(from: 0, to: H, by: 8) {
            let i = fastSigmoid(load8(a + j)), f = fastSigmoid(load8(a + H + j))
            let g = fastTanh(load8(a + 2 * H + j)), o = fastSigmoid(load8(a + 3 * H + j))
            let cv = f * load8(cp + j) + i * g
            let tc = fastTanh(cv)
            store8(i, a + j); store8(f, a + H + j); store8(g, a + 2 * H + j); store8(o, a + 3 * H + j)
            store8(cv, cb + j); store8(tc, tb + j); store8(o * tc, hb + j)
        }
    }
}

/// `lstmStepBackward` for PyTorch's activations and a hidden size that is a multiple of 8.
func lstmStandardStepBackward(
    gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, cellOutput: UnsafePointer<Float>,
    gradH: UnsafePointer<Float>, gradC: UnsafeMutablePointer<Float>, gradGates: UnsafeMutablePointer<Float>,
    batch: Int, hidden H: Int
) {
    for b in 0..<batch {
        let a = gates + b * 4 * H, da = gradGates + b * 4 * H
        let cp = cPrev + b * H, tb = cellOutput + b * H, dhb = gradH + b * H, dcb = gradC + b * H
        for j in stride(from: 0, to: H, by: 8) {
            let i = load8(a + j), f = load8(a + H + j), g = load8(a + 2 * H + j), o = load8(a + 3 * H + j)
            let tc = load8(tb + j), dh = load8(dhb + j)
            let dc = load8(dcb + j) + dh * o * (1 - tc * tc)
            store8(dc * g * i * (1 - i), da + j)
            store8(dc * load8(cp + j) * f * (1 - f), da + H + j)
            store8(dc * i * (1 - g * g), da + 2 * H + j)
            store8(dh * tc * o * (1 - o), da + 3 * H + j)
            store8(dc * f, dcb + j)
        }
    }
}

/// One GRU step's element-wise pass (PyTorch's formulation, gates stacked r, z, n):
/// `r = σ(gi_r + gh_r)`, `z = σ(gi_z + gh_z)`, `n = tanh(gi_n + r * gh_n)`, `h = (1 - z) n + z hPrev`,
/// where `gi = x W_ih^T + b_ih` and `gh = hPrev W_hh^T + b_hh` (`[B, 3H]` each).
/// `inputGates` is overwritten with the activated r, z, n; `gh_n` (the n block of `hiddenGates`,
/// which the backward needs) is kept in `hiddenN` (`[B, H]`), so `hiddenGates` can be scratch.
///
/// In C with 16-float vectors where the CPU has them (`wideProductsAvailable`), the same bits: in
/// GRU training (glimpse-bench, perf) this pass took 2.1% of the CPU time instead of 2.8%, and the
/// backward 2.6% instead of 2.7% (it mostly waits for memory). The whole batch: +0.4% (median of
/// 10 alternated pairs, -5.8% to +1.9%; within the machine's noise).
public func gruStepForward(
    inputGates: UnsafeMutablePointer<Float>, hiddenGates: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
    h: UnsafeMutablePointer<Float>, hiddenN: UnsafeMutablePointer<Float>, batch: Int, hidden: Int
) {
    if wideProductsAvailable {
        glimpse_gru_step_forward_wide(inputGates, hiddenGates, hPrev, h, hiddenN, batch, hidden)
    } else {
        portableGRUStepForward(inputGates: inputGates, hiddenGates: hiddenGates, hPrev: hPrev, h: h, hiddenN: hiddenN, batch: batch, hidden: hidden)
    }
}

/// `gruStepForward` in 8-float vectors, for any CPU; the same bits as the AVX-512 code.
public func portableGRUStepForward(
    inputGates: UnsafeMutablePointer<Float>, hiddenGates: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
    h: UnsafeMutablePointer<Float>, hiddenN: UnsafeMutablePointer<Float>, batch: Int, hidden: Int
) {
    let H = hidden
    for b in 0..<batch {
        let gi = inputGates + b * 3 * H, gh = hiddenGates + b * 3 * H
        let hp = hPrev + b * H, hb = h + b * H, kept = hiddenN + b * H
        @inline(__always) func lanes(_ j: Int, _ n: Int) {
            let r = fastSigmoid(load(gi + j, n) + load(gh + j, n))
            let z = fastSigmoid(load(gi + H + j, n) + load(gh + H + j, n))
            let hn = load(gh + 2 * H + j, n)
            let nn = fastTanh(load(gi + 2 * H + j, n) + r * hn)
            store(r, gi + j, n); store(z, gi + H + j, n); store(nn, gi + 2 * H + j, n)
            store(hn, kept + j, n)
            store((1 - z) * nn + z * load(hp + j, n), hb + j, n)
        }
        forEachLaneGroup(0..<H, lanes)
    }
}

/// Backward of `gruStepForward`. In: activated `gates` (r, z, n), `hiddenN` (gh_n, `[B, H]`),
/// `hPrev`, `gradH`. Out: `gradInputGates` and `gradHiddenGates` (`[B, 3H]`, pre-activation;
/// they differ only in the n block, `dn_pre` vs `dn_pre * r`, which is also written to
/// `gradHiddenN`, `[B, H]`), and `gradHPrev = gradH * z` (the direct path; the caller adds
/// `gradHiddenGates W_hh`). `gradInputGates` and `gradHiddenN`, read mostly by the weight-gradient
/// products after the whole sequence, are written past the caches (`stream`): with the cores far
/// apart GRU training ran 2-3% faster (41.8-42.4k -> 42.8-43.5k tokens/s), the same with them near.
/// `gradInputGates` is also read back at once by the step's input-side gradients (`StepGradients`
/// in Autograd); regular stores for it were still slower (5 alternated pairs: -5.1% to +0.7%).
public func gruStepBackward(
    gates: UnsafePointer<Float>, hiddenN: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
    gradH: UnsafePointer<Float>, gradInputGates: UnsafeMutablePointer<Float>, gradHiddenGates: UnsafeMutablePointer<Float>,
    gradHiddenN: UnsafeMutablePointer<Float>, gradHPrev: UnsafeMutablePointer<Float>, batch: Int, hidden: Int
) {
    if wideProductsAvailable {
        glimpse_gru_step_backward_wide(gates, hiddenN, hPrev, gradH, gradInputGates, gradHiddenGates, gradHiddenN, gradHPrev, batch, hidden)
    } else {
        portableGRUStepBackward(gates: gates, hiddenN: hiddenN, hPrev: hPrev, gradH: gradH, gradInputGates: gradInputGates,
                                gradHiddenGates: gradHiddenGates, gradHiddenN: gradHiddenN, gradHPrev: gradHPrev, batch: batch, hidden: hidden)
    }
}

/// `gruStepBackward` in 8-float vectors, for any CPU; the same bits as the AVX-512 code.
public func portableGRUStepBackward(
    gates: UnsafePointer<Float>, hiddenN: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
    gradH: UnsafePointer<Float>, gradInputGates: UnsafeMutablePointer<Float>, gradHiddenGates: UnsafeMutablePointer<Float>,
    gradHiddenN: UnsafeMutablePointer<Float>, gradHPrev: UnsafeMutablePointer<Float>, batch: Int, hidden: Int
) {
    let H = hidden
    for b in 0..<batch {
        let g = gates + b * 3 * H, hn = hiddenN + b * H
        let dgi = gradInputGates + b * 3 * H, dgh = gradHiddenGates + b * 3 * H, dhn = gradHiddenN + b * H
        let hp = hPrev + b * H, dhb = gradH + b * H, dhp = gradHPrev + b * H
        @inline(__always) func lanes(_ j: Int, _ n: Int) {
            let r = load(g + j, n), z = load(g + H + j, n), nn = load(g + 2 * H + j, n)
            let dh = load(dhb + j, n)
            let dnPre = dh * (1 - z) * (1 - nn * nn)
            let dzPre = dh * (load(hp + j, n) - nn) * z * (1 - z)
            let drPre = dnPre * load(hn + j, n) * r * (1 - r)
            stream(drPre, dgi + j, n); stream(dzPre, dgi + H + j, n); stream(dnPre, dgi + 2 * H + j, n)
            store(drPre, dgh + j, n); store(dzPre, dgh + H + j, n); store(dnPre * r, dgh + 2 * H + j, n)
            stream(dnPre * r, dhn + j, n)
            store(dh * z, dhp + j, n)
        }
        forEachLaneGroup(0..<H, lanes)
    }
    streamFence()
}

/// `gradPre = gradY * f'(y)` for `count` elements, f' written through the output y.
public func activationBackward(
    _ activation: RecurrentActivation, output y: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>, count: Int
) {
    @inline(__always) func lanes(_ j: Int, _ n: Int) {
        store(load(gradOutput + j, n) * activation.derivative(output: load(y + j, n)), gradInput + j, n)
    }
    forEachLaneGroup(0..<count, lanes)
}

/// Adds every row of `x [rows, columns]` into `sums [columns]` (bias gradients); a large `x` is
/// split by columns over the cores (in bands of 16, each column summed in row order either way).
public func addColumnSums(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
    let bands = (columns + 15) / 16
    let slices = rows * columns >= elementwiseSliceMinimum ? sliceCount(of: bands, minimumPerSlice: 1) : 1
    forEachSlice(of: bands, slices: slices) { _, range in
        let low = range.lowerBound * 16, high = min(columns, range.upperBound * 16)
        for r in 0..<rows {
            let row = x + r * columns
            for c in low..<high { sums[c] += row[c] }
        }
    }
}

/// Sets every row of `x [rows, columns]` to `a + b` (either may be nil): the combined biases an
/// input projection starts from before `gemm` adds `x W^T` with beta 1.
public func fillRows(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, a: UnsafePointer<Float>?, b: UnsafePointer<Float>?) {
    guard rows > 0 else { return }
    let first = x
    switch (a, b) {
    case let (a?, b?): for c in 0..<columns { first[c] = a[c] + b[c] }
    case let (a?, nil): first.update(from: a, count: columns)
    case let (nil, b?): first.update(from: b, count: columns)
    case (nil, nil): first.update(repeating: 0, count: columns)
    }
    for r in 1..<max(rows, 1) { (x + r * columns).update(from: first, count: columns) }
}

/// The LSTM update of hidden units `units` of one row (a batch-1 step split over cores by units):
/// pre-activation gates `a = gates (+ otherGates)` (`[4H]` each, order i, f, g, o),
/// `c = σ(a_f) c + σ(a_i) tanh(a_g)` in place, `h = σ(a_o) tanh(c)`.
public func lstmUnitsForward(gates: UnsafePointer<Float>, otherGates: UnsafePointer<Float>?, hidden H: Int, units: Range<Int>,
                             c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
    @inline(__always) func lanes(_ j: Int, _ n: Int) {
        @inline(__always) func gate(_ q: Int) -> Float8 {
            let a = load(gates + q * H + j, n)
            return otherGates.map { a + load($0 + q * H + j, n) } ?? a
        }
        let i = fastSigmoid(gate(0)), f = fastSigmoid(gate(1)), g = fastTanh(gate(2)), o = fastSigmoid(gate(3))
        let cv = f * load(c + j, n) + i * g
        store(cv, c + j, n)
        store(o * fastTanh(cv), h + j, n)
    }
    forEachLaneGroup(units, lanes)
}

/// The GRU update of hidden units `units` of one row, from input gates `gi` and hidden gates `gh`
/// (`[3H]` each, order r, z, n, biases included): `r = σ(gi_r + gh_r)`, `z = σ(gi_z + gh_z)`,
/// `next = (1 - z) tanh(gi_n + r gh_n) + z h`.
public func gruUnitsForward(inputGates gi: UnsafePointer<Float>, hiddenGates gh: UnsafePointer<Float>, hidden H: Int, units: Range<Int>,
                            h: UnsafePointer<Float>, next: UnsafeMutablePointer<Float>) {
    @inline(__always) func lanes(_ j: Int, _ n: Int) {
        let r = fastSigmoid(load(gi + j, n) + load(gh + j, n)), z = fastSigmoid(load(gi + H + j, n) + load(gh + H + j, n))
        let candidate = fastTanh(load(gi + 2 * H + j, n) + r * load(gh + 2 * H + j, n))
        store((1 - z) * candidate + z * load(h + j, n), next + j, n)
    }
    forEachLaneGroup(units, lanes)
}
