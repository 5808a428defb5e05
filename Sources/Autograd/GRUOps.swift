import Kernels

/// A whole GRU layer (one direction) over a time-major sequence, as one graph node, in
/// PyTorch's formulation (gates stacked r, z, n):
/// `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
/// `n = tanh(W_in x + b_in + r (W_hn h + b_hn))`, `h' = (1 - z) n + z h`.
/// `input`: `x [T, B, I]` or tokens through an embedding (`SequenceInput`); `h0 [B, H]`, `weightIH [3H, I]`, `weightHH [3H, H]`, biases `[3H]`.
/// Lengths mask as in `lstmSequence`. Returns `output [T, B, H]` and the final `h [B, H]`.
public func gruSequence(
    _ input: SequenceInput, h0: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?,
    lengths: [Int]? = nil
) -> (output: Tensor, h: Tensor) {
    let op = "gruSequence"
    let (T, B, I) = (input.steps, input.batch, input.features)
    let H = weightHH.shape.count == 2 ? weightHH.shape[1] : 0, G = 3 * H
    expectShape(weightIH, [G, I], "weight_ih", op); expectShape(weightHH, [G, H], "weight_hh", op)
    expectShape(biasIH, [G], "bias_ih", op); expectShape(biasHH, [G], "bias_hh", op)
    expectShape(h0, [B, H], "h0", op)
    let mask = SequenceMask(lengths: lengths, steps: T, batch: B)
    let BH = B * H
    // Kept for the backward: the activated gates, gh_n (the only part of the hidden gates it needs;
    // the rest stays in a step's scratch) and the states (h0, one per step, then room for the
    // final h of the result, which views them: `recurrentResult`).
    let inputGates = Buffer(uninitializedCount: T * B * G), hiddenN = Buffer(uninitializedCount: T * BH)
    let hs = Buffer(uninitializedCount: (T + 2) * BH)
    let projection = InputProjection(input, weight: weightIH, biasA: biasIH, biasB: nil, into: inputGates.pointer)
    hs.pointer.update(from: h0.data, count: BH)
    let recurrent = RecurrentProduct(weightHH, transposed: true, steps: T)
    let hiddenBias = biasHH.map { SharedPointer(UnsafePointer($0.data)) }
    forEachRowBlock(B) { rows in
        let recurrent = recurrent.packedCopy(), projection = projection.forBlock()
        let r0 = rows.lowerBound, n = rows.count
        let stepHidden = Buffer(uninitializedCount: n * G), gh = stepHidden.pointer
        for s in 0..<T {
            projection.project(step: s, rows: rows)
            // The product starts from b_hh (or zeros) instead of reading the gates first.
            if hiddenBias == nil { fillRows(gh, rows: n, columns: G, a: nil, b: nil) }
            recurrent.accumulate(m: n, a: hs.pointer + s * BH + r0 * H, lda: H, c: gh, ldc: G, start: hiddenBias.map { UnsafePointer($0.pointer) })
            gruStepForward(inputGates: inputGates.pointer + s * B * G + r0 * G, hiddenGates: gh, hPrev: hs.pointer + s * BH + r0 * H,
                           h: hs.pointer + (s + 1) * BH + r0 * H, hiddenN: hiddenN.pointer + s * BH + r0 * H, batch: n, hidden: H)
            mask.carryInactive(s, rows: rows, previous: hs.pointer + s * BH, next: hs.pointer + (s + 1) * BH, width: H)
        }
    }
    let joint = recurrentResult(states: hs, mask: mask, width: H, finals: [hs.pointer + T * BH])

    var inputs = [input.tensor, h0, weightIH, weightHH]
    if let biasIH { inputs.append(biasIH) }
    if let biasHH { inputs.append(biasHH) }
    joint.record(inputs) { joint in
        let gradOutput = SharedPointer(joint.grad!)
        let initialGradient = Buffer(uninitializedCount: BH)
        // Every row is written at every step unless some rows stop early (then they stay 0).
        let gateBuffer = { (count: Int) in mask.lengths == nil ? Buffer(uninitializedCount: count) : Buffer(count: count) }
        // The hidden gates' gradient equals the input gates' in the r and z blocks; only its n block
        // (`dn_pre * r`) is kept apart, the whole of it living in a step's scratch.
        let gradInputGates = gateBuffer(T * B * G), gradHiddenN = gateBuffer(T * BH)
        let recurrentBack = RecurrentProduct(weightHH, transposed: false, steps: T)
        let stepGradients = StepGradients(input, weightIH: weightIH)
        forEachRowBlock(B) { rows in
            let recurrentBack = recurrentBack.packedCopy(), blockGradients = stepGradients.forBlock(rows)
            let r0 = rows.lowerBound, n = rows.count
            let carried = BlockStates(rows: rows, width: H, from: gradOutput.pointer + T * BH), sum = BlockStates(rows: rows, width: H)
            let dh = carried.pointer, total = sum.pointer
            // A row is inactive at the steps from its length on, which this loop meets before any
            // of its active steps: its rows here are still the initial zeros then, and the product
            // below adds nothing for it.
            let stepGradient = Buffer(count: n * G), dgh = stepGradient.pointer
            for s in stride(from: T - 1, through: 0, by: -1) {
                mask.addOutputGradient(s, rows: rows, carry: dh, gradOutput: gradOutput.pointer, total: total, width: H)
                mask.forEachActiveRun(s, rows: rows) { run in
                    let r = run.lowerBound
                    gruStepBackward(gates: inputGates.pointer + s * B * G + r * G, hiddenN: hiddenN.pointer + s * BH + r * H,
                                    hPrev: hs.pointer + s * BH + r * H, gradH: total + r * H,
                                    gradInputGates: gradInputGates.pointer + s * B * G + r * G, gradHiddenGates: dgh + (r - r0) * G,
                                    gradHiddenN: gradHiddenN.pointer + s * BH + r * H, gradHPrev: dh + r * H,
                                    batch: run.count, hidden: H)
                }
                mask.passInactive(s, rows: rows, total: total, into: dh, width: H)
                recurrentBack.accumulate(m: n, a: dgh, lda: G, c: dh + r0 * H, ldc: H)
                blockGradients.add(step: s, gradPre: gradInputGates.pointer)
            }
            carried.copyRows(to: initialGradient.pointer)
        }
        addGradient(initialGradient.pointer, to: h0)
        // b_hh's r and z blocks take the same column sums as b_ih's: made once, there.
        let hiddenBiasGradient = biasHH.flatMap { $0.requiresGrad ? $0.gradientBuffer() : nil }
        let sums = hiddenBiasGradient.map { _ in Buffer(count: G) }
        projectionBackward(gradPre: gradInputGates.pointer, gates: G, input: input, weightIH: weightIH, biasIH: biasIH,
                           states: nil, weightHH: nil, biasHH: nil, columnSums: sums?.pointer, stepGradients: stepGradients)
        if weightHH.requiresGrad {
            // r and z rows from the input gates' gradient, n rows from `gradHiddenN` (whose column
            // sums, b_hh's n block, that product adds up as it reads it).
            let gw = weightHH.gradientBuffer()
            let blocks = recurrentRowBlocks(B)
            gemmOverRowBlocks(m: 2 * H, n: H, steps: T, batch: B, blocks: blocks,
                              a: gradInputGates.pointer, lda: G, b: hs.pointer, ldb: H, c: gw, ldc: H)
            gemmOverRowBlocks(m: H, n: H, steps: T, batch: B, blocks: blocks,
                              a: gradHiddenN.pointer, lda: H, b: hs.pointer, ldb: H, c: gw + 2 * H * H, ldc: H,
                              columnSums: hiddenBiasGradient.map { $0 + 2 * H })
        } else if let gb = hiddenBiasGradient {
            addColumnSums(gradHiddenN.pointer, rows: T * B, columns: H, into: gb + 2 * H)
        }
        if let gb = hiddenBiasGradient, let sums { accumulate(sums.pointer, into: gb, count: 2 * H) }
    }
    return (joint.view(offset: 0, shape: [T, B, H]), joint.view(offset: T * BH, shape: [B, H]))
}

/// `gruSequence` of a time-major sequence `x [T, B, I]`.
public func gruSequence(
    _ x: Tensor, h0: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?, lengths: [Int]? = nil
) -> (output: Tensor, h: Tensor) {
    gruSequence(SequenceInput(x), h0: h0, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH, lengths: lengths)
}
