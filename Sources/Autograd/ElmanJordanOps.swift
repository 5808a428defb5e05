import Kernels

/// A whole Elman RNN layer (one direction) over a time-major sequence, as one graph node
/// (`torch.nn.RNN`): `h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`, act tanh, relu or identity.
/// `input`: `x [T, B, I]` or tokens (`SequenceInput`); `h0 [B, H]`, `weightIH [H, I]`, `weightHH [H, H]`, biases `[H]`.
/// Lengths mask as in `lstmSequence`. Returns `output [T, B, H]` and the final `h [B, H]`.
public func elmanSequence(
    _ input: SequenceInput, h0: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?,
    activation: RecurrentActivation = .tanh, lengths: [Int]? = nil
) -> (output: Tensor, h: Tensor) {
    let op = "elmanSequence"
    let (T, B, I) = (input.steps, input.batch, input.features)
    let H = weightHH.shape.count == 2 ? weightHH.shape[1] : 0
    expectShape(weightIH, [H, I], "weight_ih", op); expectShape(weightHH, [H, H], "weight_hh", op)
    expectShape(biasIH, [H], "bias_ih", op); expectShape(biasHH, [H], "bias_hh", op)
    expectShape(h0, [B, H], "h0", op)
    let mask = SequenceMask(lengths: lengths, steps: T, batch: B)
    let BH = B * H
    // h0, one state per step, then room for the final h of the result (`recurrentResult`).
    // Pre-activations land in the slot of the step's new state and are activated in place.
    let hs = Buffer(count: (T + 2) * BH)
    let projection = InputProjection(input, weight: weightIH, biasA: biasIH, biasB: biasHH, into: hs.pointer + BH)
    hs.pointer.update(from: h0.data, count: BH)
    let recurrent = RecurrentProduct(weightHH, transposed: true, steps: T)
    forEachRowBlock(B) { rows in
        let recurrent = recurrent.packedCopy(), projection = projection.forBlock()
        let r0 = rows.lowerBound, n = rows.count
        for s in 0..<T {
            let next = hs.pointer + (s + 1) * BH + r0 * H
            projection.project(step: s, rows: rows)
            recurrent.accumulate(m: n, a: hs.pointer + s * BH + r0 * H, lda: H, c: next, ldc: H)
            activation.apply(next, count: n * H)
            mask.carryInactive(s, rows: rows, previous: hs.pointer + s * BH, next: hs.pointer + (s + 1) * BH, width: H)
        }
    }
    let joint = recurrentResult(states: hs, mask: mask, width: H, finals: [hs.pointer + T * BH])

    var inputs = [input.tensor, h0, weightIH, weightHH]
    if let biasIH { inputs.append(biasIH) }
    if let biasHH { inputs.append(biasHH) }
    joint.record(inputs) { joint in
        let gradOutput = SharedPointer(joint.grad!)
        let dh = Buffer(count: BH), total = Buffer(count: BH)
        dh.pointer.update(from: gradOutput.pointer + T * BH, count: BH)
        let gradPre = Buffer(count: T * BH)
        let recurrentBack = RecurrentProduct(weightHH, transposed: false, steps: T)
        let stepGradients = StepGradients(input, weightIH: weightIH)
        forEachRowBlock(B) { rows in
            let recurrentBack = recurrentBack.packedCopy(), blockGradients = stepGradients.forBlock(rows)
            let r0 = rows.lowerBound, n = rows.count
            for s in stride(from: T - 1, through: 0, by: -1) {
                mask.addOutputGradient(s, rows: rows, carry: dh.pointer, gradOutput: gradOutput.pointer, total: total.pointer, width: H)
                let da = gradPre.pointer + s * BH
                mask.forEachActiveRun(s, rows: rows) { run in
                    let r = run.lowerBound * H
                    activationBackward(activation, output: hs.pointer + (s + 1) * BH + r, gradOutput: total.pointer + r,
                                       gradInput: da + r, count: run.count * H)
                }
                (dh.pointer + r0 * H).update(repeating: 0, count: n * H)
                recurrentBack.accumulate(m: n, a: da + r0 * H, lda: H, c: dh.pointer + r0 * H, ldc: H)
                mask.passInactive(s, rows: rows, total: total.pointer, into: dh.pointer, width: H)
                blockGradients.add(step: s, gradPre: gradPre.pointer)
            }
        }
        addGradient(dh.pointer, to: h0)
        projectionBackward(gradPre: gradPre.pointer, gates: H, input: input, weightIH: weightIH, biasIH: biasIH,
                           states: hs.pointer, weightHH: weightHH, biasHH: biasHH, stepGradients: stepGradients)
    }
    return (joint.view(offset: 0, shape: [T, B, H]), joint.view(offset: T * BH, shape: [B, H]))
}

/// A whole Jordan RNN layer over a time-major sequence, as one graph node. The memory holds the
/// previous output instead of the hidden state:
/// `h_t = act(x_t W_ih^T + y_{t-1} W_yh^T + b_h)`, `y_t = act_out(h_t W_hy^T + b_y)`.
/// `input`: `x [T, B, I]` or tokens (`SequenceInput`); `y0 [B, O]`, `weightIH [H, I]`, `weightYH [H, O]`, `biasH [H]`,
/// `weightHY [O, H]`, `biasY [O]`. Lengths mask as in `lstmSequence`.
/// Returns the outputs `y [T, B, O]` and the final `y [B, O]`.
public func jordanSequence(
    _ input: SequenceInput, y0: Tensor, weightIH: Tensor, weightYH: Tensor, biasH: Tensor?, weightHY: Tensor, biasY: Tensor?,
    activation: RecurrentActivation = .tanh, outputActivation: RecurrentActivation = .tanh, lengths: [Int]? = nil
) -> (output: Tensor, y: Tensor) {
    let op = "jordanSequence"
    let (T, B, I) = (input.steps, input.batch, input.features)
    let H = weightIH.shape.first ?? 0, O = weightHY.shape.first ?? 0
    expectShape(weightIH, [H, I], "weight_ih", op); expectShape(weightYH, [H, O], "weight_yh", op)
    expectShape(biasH, [H], "bias_h", op); expectShape(weightHY, [O, H], "weight_hy", op)
    expectShape(biasY, [O], "bias_y", op); expectShape(y0, [B, O], "y0", op)
    let mask = SequenceMask(lengths: lengths, steps: T, batch: B)
    let BH = B * H, BO = B * O
    // y0, one output per step, then room for the final y of the result (`recurrentResult`).
    let hidden = Buffer(count: T * BH), ys = Buffer(count: (T + 2) * BO)
    let projection = InputProjection(input, weight: weightIH, biasA: biasH, biasB: nil, into: hidden.pointer)
    ys.pointer.update(from: y0.data, count: BO)
    let feedback = RecurrentProduct(weightYH, transposed: true, steps: T), readout = RecurrentProduct(weightHY, transposed: true, steps: T)
    let outputBias = biasY.map { SharedPointer(UnsafePointer($0.data)) }
    forEachRowBlock(B) { rows in
        let feedback = feedback.packedCopy(), readout = readout.packedCopy(), projection = projection.forBlock()
        let r0 = rows.lowerBound, n = rows.count
        for s in 0..<T {
            let h = hidden.pointer + s * BH + r0 * H, y = ys.pointer + (s + 1) * BO + r0 * O
            projection.project(step: s, rows: rows)
            feedback.accumulate(m: n, a: ys.pointer + s * BO + r0 * O, lda: O, c: h, ldc: H)
            activation.apply(h, count: n * H)
            fillRows(y, rows: n, columns: O, a: outputBias.map { UnsafePointer($0.pointer) }, b: nil)
            readout.accumulate(m: n, a: h, lda: H, c: y, ldc: O)
            outputActivation.apply(y, count: n * O)
            mask.carryInactive(s, rows: rows, previous: ys.pointer + s * BO, next: ys.pointer + (s + 1) * BO, width: O)
        }
    }
    let joint = recurrentResult(states: ys, mask: mask, width: O, finals: [ys.pointer + T * BO])

    var inputs = [input.tensor, y0, weightIH, weightYH, weightHY]
    if let biasH { inputs.append(biasH) }
    if let biasY { inputs.append(biasY) }
    joint.record(inputs) { joint in
        let gradOutput = SharedPointer(joint.grad!)
        let dy = Buffer(count: BO), total = Buffer(count: BO), dHidden = Buffer(count: BH)
        dy.pointer.update(from: gradOutput.pointer + T * BO, count: BO)
        let gradOutPre = Buffer(count: T * BO), gradPre = Buffer(count: T * BH)
        let readoutBack = RecurrentProduct(weightHY, transposed: false, steps: T), feedbackBack = RecurrentProduct(weightYH, transposed: false, steps: T)
        let stepGradients = StepGradients(input, weightIH: weightIH)
        forEachRowBlock(B) { rows in
            let readoutBack = readoutBack.packedCopy(), feedbackBack = feedbackBack.packedCopy(), blockGradients = stepGradients.forBlock(rows)
            let r0 = rows.lowerBound, n = rows.count
            for s in stride(from: T - 1, through: 0, by: -1) {
                mask.addOutputGradient(s, rows: rows, carry: dy.pointer, gradOutput: gradOutput.pointer, total: total.pointer, width: O)
                let dp = gradOutPre.pointer + s * BO, da = gradPre.pointer + s * BH
                mask.forEachActiveRun(s, rows: rows) { run in
                    let r = run.lowerBound * O
                    activationBackward(outputActivation, output: ys.pointer + (s + 1) * BO + r, gradOutput: total.pointer + r,
                                       gradInput: dp + r, count: run.count * O)
                }
                // Inactive rows have dp = 0, so their dHidden and da come out 0 too.
                (dHidden.pointer + r0 * H).update(repeating: 0, count: n * H)
                readoutBack.accumulate(m: n, a: dp + r0 * O, lda: O, c: dHidden.pointer + r0 * H, ldc: H)
                activationBackward(activation, output: hidden.pointer + s * BH + r0 * H, gradOutput: dHidden.pointer + r0 * H,
                                   gradInput: da + r0 * H, count: n * H)
                (dy.pointer + r0 * O).update(repeating: 0, count: n * O)
                feedbackBack.accumulate(m: n, a: da + r0 * H, lda: H, c: dy.pointer + r0 * O, ldc: O)
                mask.passInactive(s, rows: rows, total: total.pointer, into: dy.pointer, width: O)
                blockGradients.add(step: s, gradPre: gradPre.pointer)
            }
        }
        addGradient(dy.pointer, to: y0)
        if weightHY.requiresGrad {
            gemm(transposeA: true, transposeB: false, m: O, n: H, k: T * B,
                 a: gradOutPre.pointer, lda: O, b: hidden.pointer, ldb: H, beta: 1, c: weightHY.gradientBuffer(), ldc: H)
        }
        if let biasY, biasY.requiresGrad { addColumnSums(gradOutPre.pointer, rows: T * B, columns: O, into: biasY.gradientBuffer()) }
        projectionBackward(gradPre: gradPre.pointer, gates: H, input: input, weightIH: weightIH, biasIH: biasH,
                           states: ys.pointer, weightHH: weightYH, biasHH: nil, stepGradients: stepGradients)
    }
    return (joint.view(offset: 0, shape: [T, B, O]), joint.view(offset: T * BO, shape: [B, O]))
}

/// `elmanSequence` of a time-major sequence `x [T, B, I]`.
public func elmanSequence(
    _ x: Tensor, h0: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?,
    activation: RecurrentActivation = .tanh, lengths: [Int]? = nil
) -> (output: Tensor, h: Tensor) {
    elmanSequence(SequenceInput(x), h0: h0, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH,
                  activation: activation, lengths: lengths)
}

/// `jordanSequence` of a time-major sequence `x [T, B, I]`.
public func jordanSequence(
    _ x: Tensor, y0: Tensor, weightIH: Tensor, weightYH: Tensor, biasH: Tensor?, weightHY: Tensor, biasY: Tensor?,
    activation: RecurrentActivation = .tanh, outputActivation: RecurrentActivation = .tanh, lengths: [Int]? = nil
) -> (output: Tensor, y: Tensor) {
    jordanSequence(SequenceInput(x), y0: y0, weightIH: weightIH, weightYH: weightYH, biasH: biasH, weightHY: weightHY, biasY: biasY,
                   activation: activation, outputActivation: outputActivation, lengths: lengths)
}
