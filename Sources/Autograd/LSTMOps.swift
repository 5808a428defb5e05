import Kernels

/// A whole LSTM layer (one direction) over a time-major sequence, as one graph node.
///
/// `input`: `x [T, B, I]` or tokens through an embedding (`SequenceInput`); `h0`, `c0 [B, H]`, `weightIH [4H, I]`, `weightHH [4H, H]`, biases `[4H]`
/// (gates stacked i, f, g, o as in PyTorch). Per step:
/// `a = x_t W_ih^T + b_ih + h W_hh^T + b_hh`; `i, f, o = σ(.)`, `g = tanh(.)`;
/// `c = f c + i g`; `h = o tanh(c)` (activations configurable).
/// The input products of all steps are one sgemm; each step is one sgemm and one fused
/// element-wise pass. With `lengths`, row b stops at step `lengths[b]`: its state is carried,
/// its outputs are 0. Returns `output [T, B, H]` and the final `h`, `c` (`[B, H]`).
/// The backward is BPTT with the weight gradients of all steps as single products.
public func lstmSequence(
    _ input: SequenceInput, h0: Tensor, c0: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?,
    lengths: [Int]? = nil, activations: LSTMActivations = .standard
) -> (output: Tensor, h: Tensor, c: Tensor) {
    let op = "lstmSequence"
    let (T, B, I) = (input.steps, input.batch, input.features)
    let H = weightHH.shape.count == 2 ? weightHH.shape[1] : 0, G = 4 * H
    expectShape(weightIH, [G, I], "weight_ih", op); expectShape(weightHH, [G, H], "weight_hh", op)
    expectShape(biasIH, [G], "bias_ih", op); expectShape(biasHH, [G], "bias_hh", op)
    expectShape(h0, [B, H], "h0", op); expectShape(c0, [B, H], "c0", op)
    let mask = SequenceMask(lengths: lengths, steps: T, batch: B)
    let BH = B * H
    let gates = Buffer(uninitializedCount: T * B * G)
    // h0 and one state per step, then room for the final h and c of the result (`recurrentResult`).
    let hs = Buffer(uninitializedCount: (T + 3) * BH), cs = Buffer(uninitializedCount: (T + 1) * BH)
    let cellOutput = Buffer(uninitializedCount: T * BH)
    let projection = InputProjection(input, weight: weightIH, biasA: biasIH, biasB: biasHH, into: gates.pointer)
    hs.pointer.update(from: h0.data, count: BH)
    cs.pointer.update(from: c0.data, count: BH)
    let recurrent = RecurrentProduct(weightHH, transposed: true, steps: T)
    forEachRowBlock(B) { rows in
        let recurrent = recurrent.packedCopy(), projection = projection.forBlock()
        let r0 = rows.lowerBound, n = rows.count
        for s in 0..<T {
            let g = gates.pointer + s * B * G + r0 * G
            projection.project(step: s, rows: rows)
            recurrent.accumulate(m: n, a: hs.pointer + s * BH + r0 * H, lda: H, c: g, ldc: G)
            lstmStepForward(gates: g, cPrev: cs.pointer + s * BH + r0 * H, c: cs.pointer + (s + 1) * BH + r0 * H,
                            cellOutput: cellOutput.pointer + s * BH + r0 * H, h: hs.pointer + (s + 1) * BH + r0 * H,
                            batch: n, hidden: H, activations: activations)
            mask.carryInactive(s, rows: rows, previous: hs.pointer + s * BH, next: hs.pointer + (s + 1) * BH, width: H)
            mask.carryInactive(s, rows: rows, previous: cs.pointer + s * BH, next: cs.pointer + (s + 1) * BH, width: H)
        }
    }
    let joint = recurrentResult(states: hs, mask: mask, width: H, finals: [hs.pointer + T * BH, cs.pointer + T * BH])

    var inputs = [input.tensor, h0, c0, weightIH, weightHH]
    if let biasIH { inputs.append(biasIH) }
    if let biasHH { inputs.append(biasHH) }
    joint.record(inputs) { joint in
        let gradOutput = SharedPointer(joint.grad!)
        let initialGradients = (h: Buffer(uninitializedCount: BH), c: Buffer(uninitializedCount: BH))
        // Every row is written at every step unless some rows stop early (then they stay 0).
        let gradGates = mask.lengths == nil ? Buffer(uninitializedCount: T * B * G) : Buffer(count: T * B * G)
        let recurrentBack = RecurrentProduct(weightHH, transposed: false, steps: T)
        let stepGradients = StepGradients(input, weightIH: weightIH)
        forEachRowBlock(B) { rows in
            let recurrentBack = recurrentBack.packedCopy(), blockGradients = stepGradients.forBlock(rows)
            let r0 = rows.lowerBound, n = rows.count
            let carriedH = BlockStates(rows: rows, width: H, from: gradOutput.pointer + T * BH)
            let carriedC = BlockStates(rows: rows, width: H, from: gradOutput.pointer + (T + 1) * BH), sum = BlockStates(rows: rows, width: H)
            let dh = carriedH.pointer, dc = carriedC.pointer, total = sum.pointer
            for s in stride(from: T - 1, through: 0, by: -1) {
                mask.addOutputGradient(s, rows: rows, carry: dh, gradOutput: gradOutput.pointer, total: total, width: H)
                let dg = gradGates.pointer + s * B * G
                mask.forEachActiveRun(s, rows: rows) { run in
                    let r = run.lowerBound
                    lstmStepBackward(gates: gates.pointer + s * B * G + r * G, cPrev: cs.pointer + s * BH + r * H,
                                     cellOutput: cellOutput.pointer + s * BH + r * H, gradH: total + r * H,
                                     gradC: dc + r * H, gradGates: dg + r * G,
                                     batch: run.count, hidden: H, activations: activations)
                }
                (dh + r0 * H).update(repeating: 0, count: n * H)
                recurrentBack.accumulate(m: n, a: dg + r0 * G, lda: G, c: dh + r0 * H, ldc: H)
                mask.passInactive(s, rows: rows, total: total, into: dh, width: H)
                blockGradients.add(step: s, gradPre: gradGates.pointer)
            }
            carriedH.copyRows(to: initialGradients.h.pointer)
            carriedC.copyRows(to: initialGradients.c.pointer)
        }
        addGradient(initialGradients.h.pointer, to: h0)
        addGradient(initialGradients.c.pointer, to: c0)
        projectionBackward(gradPre: gradGates.pointer, gates: G, input: input, weightIH: weightIH, biasIH: biasIH,
                           states: hs.pointer, weightHH: weightHH, biasHH: biasHH, stepGradients: stepGradients)
    }
    return (joint.view(offset: 0, shape: [T, B, H]),
            joint.view(offset: T * BH, shape: [B, H]),
            joint.view(offset: (T + 1) * BH, shape: [B, H]))
}

/// `lstmSequence` of a time-major sequence `x [T, B, I]`.
public func lstmSequence(
    _ x: Tensor, h0: Tensor, c0: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?,
    lengths: [Int]? = nil, activations: LSTMActivations = .standard
) -> (output: Tensor, h: Tensor, c: Tensor) {
    lstmSequence(SequenceInput(x), h0: h0, c0: c0, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH,
                 lengths: lengths, activations: activations)
}
