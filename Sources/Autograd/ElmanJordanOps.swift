import Kernels

/// A whole Elman RNN layer (one direction) over a time-major sequence, as one graph node
/// (`torch.nn.RNN`): `h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`, act tanh, relu or identity.
/// `x [T, B, I]`, `h0 [B, H]`, `weightIH [H, I]`, `weightHH [H, H]`, biases `[H]`.
/// Lengths mask as in `lstmSequence`. Returns `output [T, B, H]` and the final `h [B, H]`.
public func elmanSequence(
    _ x: Tensor, h0: Tensor, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?, biasHH: Tensor?,
    activation: RecurrentActivation = .tanh, lengths: [Int]? = nil
) -> (output: Tensor, h: Tensor) {
    let op = "elmanSequence"
    let (T, B, I) = sequenceShape(x, op)
    let H = weightHH.shape.count == 2 ? weightHH.shape[1] : 0
    expectShape(weightIH, [H, I], "weight_ih", op); expectShape(weightHH, [H, H], "weight_hh", op)
    expectShape(biasIH, [H], "bias_ih", op); expectShape(biasHH, [H], "bias_hh", op)
    expectShape(h0, [B, H], "h0", op)
    let mask = SequenceMask(lengths: lengths, steps: T, batch: B)
    let BH = B * H
    let hs = Buffer(count: (T + 1) * BH)
    // Pre-activations land in the slot of the step's new state and are activated in place.
    projectInputs(x, weight: weightIH, biasA: biasIH, biasB: biasHH, into: hs.pointer + BH)
    hs.pointer.update(from: h0.data, count: BH)
    for s in 0..<T {
        let next = hs.pointer + (s + 1) * BH
        gemm(transposeA: false, transposeB: true, m: B, n: H, k: H,
             a: hs.pointer + s * BH, lda: H, b: weightHH.data, ldb: H, beta: 1, c: next, ldc: H)
        activation.apply(next, count: BH)
        mask.carryInactive(s, previous: hs.pointer + s * BH, next: next, width: H)
    }
    let joint = Tensor.output([T * BH + BH])
    mask.copyOutputs(from: hs.pointer + BH, to: joint.data, width: H)
    (joint.data + T * BH).update(from: hs.pointer + T * BH, count: BH)

    var inputs = [x, h0, weightIH, weightHH]
    if let biasIH { inputs.append(biasIH) }
    if let biasHH { inputs.append(biasHH) }
    joint.record(inputs) { joint in
        let gradOutput = joint.grad!
        let dh = Buffer(count: BH), total = Buffer(count: BH)
        dh.pointer.update(from: gradOutput + T * BH, count: BH)
        let gradPre = Buffer(count: T * BH)
        for s in stride(from: T - 1, through: 0, by: -1) {
            mask.addOutputGradient(s, carry: dh.pointer, gradOutput: gradOutput, total: total.pointer, width: H)
            let da = gradPre.pointer + s * BH
            mask.forEachActiveRun(s) { rows in
                let r = rows.lowerBound * H
                activationBackward(activation, output: hs.pointer + (s + 1) * BH + r, gradOutput: total.pointer + r,
                                   gradInput: da + r, count: rows.count * H)
            }
            gemm(transposeA: false, transposeB: false, m: B, n: H, k: H,
                 a: da, lda: H, b: weightHH.data, ldb: H, c: dh.pointer, ldc: H)
            mask.passInactive(s, total: total.pointer, into: dh.pointer, width: H)
        }
        addGradient(dh.pointer, to: h0)
        projectionBackward(gradPre: gradPre.pointer, rows: T * B, gates: H, x: x, weightIH: weightIH, biasIH: biasIH,
                           states: hs.pointer, weightHH: weightHH, biasHH: biasHH)
    }
    return (joint.view(offset: 0, shape: [T, B, H]), joint.view(offset: T * BH, shape: [B, H]))
}

/// A whole Jordan RNN layer over a time-major sequence, as one graph node. The memory holds the
/// previous output instead of the hidden state:
/// `h_t = act(x_t W_ih^T + y_{t-1} W_yh^T + b_h)`, `y_t = act_out(h_t W_hy^T + b_y)`.
/// `x [T, B, I]`, `y0 [B, O]`, `weightIH [H, I]`, `weightYH [H, O]`, `biasH [H]`,
/// `weightHY [O, H]`, `biasY [O]`. Lengths mask as in `lstmSequence`.
/// Returns the outputs `y [T, B, O]` and the final `y [B, O]`.
public func jordanSequence(
    _ x: Tensor, y0: Tensor, weightIH: Tensor, weightYH: Tensor, biasH: Tensor?, weightHY: Tensor, biasY: Tensor?,
    activation: RecurrentActivation = .tanh, outputActivation: RecurrentActivation = .tanh, lengths: [Int]? = nil
) -> (output: Tensor, y: Tensor) {
    let op = "jordanSequence"
    let (T, B, I) = sequenceShape(x, op)
    let H = weightIH.shape.first ?? 0, O = weightHY.shape.first ?? 0
    expectShape(weightIH, [H, I], "weight_ih", op); expectShape(weightYH, [H, O], "weight_yh", op)
    expectShape(biasH, [H], "bias_h", op); expectShape(weightHY, [O, H], "weight_hy", op)
    expectShape(biasY, [O], "bias_y", op); expectShape(y0, [B, O], "y0", op)
    let mask = SequenceMask(lengths: lengths, steps: T, batch: B)
    let BH = B * H, BO = B * O
    let hidden = Buffer(count: T * BH), ys = Buffer(count: (T + 1) * BO)
    projectInputs(x, weight: weightIH, biasA: biasH, biasB: nil, into: hidden.pointer)
    ys.pointer.update(from: y0.data, count: BO)
    for s in 0..<T {
        let h = hidden.pointer + s * BH, y = ys.pointer + (s + 1) * BO
        gemm(transposeA: false, transposeB: true, m: B, n: H, k: O,
             a: ys.pointer + s * BO, lda: O, b: weightYH.data, ldb: O, beta: 1, c: h, ldc: H)
        activation.apply(h, count: BH)
        fillRows(y, rows: B, columns: O, a: biasY?.data, b: nil)
        gemm(transposeA: false, transposeB: true, m: B, n: O, k: H,
             a: h, lda: H, b: weightHY.data, ldb: H, beta: 1, c: y, ldc: O)
        outputActivation.apply(y, count: BO)
        mask.carryInactive(s, previous: ys.pointer + s * BO, next: y, width: O)
    }
    let joint = Tensor.output([T * BO + BO])
    mask.copyOutputs(from: ys.pointer + BO, to: joint.data, width: O)
    (joint.data + T * BO).update(from: ys.pointer + T * BO, count: BO)

    var inputs = [x, y0, weightIH, weightYH, weightHY]
    if let biasH { inputs.append(biasH) }
    if let biasY { inputs.append(biasY) }
    joint.record(inputs) { joint in
        let gradOutput = joint.grad!
        let dy = Buffer(count: BO), total = Buffer(count: BO), dHidden = Buffer(count: BH)
        dy.pointer.update(from: gradOutput + T * BO, count: BO)
        let gradOutPre = Buffer(count: T * BO), gradPre = Buffer(count: T * BH)
        for s in stride(from: T - 1, through: 0, by: -1) {
            mask.addOutputGradient(s, carry: dy.pointer, gradOutput: gradOutput, total: total.pointer, width: O)
            let dp = gradOutPre.pointer + s * BO, da = gradPre.pointer + s * BH
            mask.forEachActiveRun(s) { rows in
                let r = rows.lowerBound * O
                activationBackward(outputActivation, output: ys.pointer + (s + 1) * BO + r, gradOutput: total.pointer + r,
                                   gradInput: dp + r, count: rows.count * O)
            }
            // Inactive rows have dp = 0, so their dHidden and da come out 0 too.
            gemm(transposeA: false, transposeB: false, m: B, n: H, k: O,
                 a: dp, lda: O, b: weightHY.data, ldb: H, c: dHidden.pointer, ldc: H)
            activationBackward(activation, output: hidden.pointer + s * BH, gradOutput: dHidden.pointer, gradInput: da, count: BH)
            gemm(transposeA: false, transposeB: false, m: B, n: O, k: H,
                 a: da, lda: H, b: weightYH.data, ldb: O, c: dy.pointer, ldc: O)
            mask.passInactive(s, total: total.pointer, into: dy.pointer, width: O)
        }
        addGradient(dy.pointer, to: y0)
        if weightHY.requiresGrad {
            gemm(transposeA: true, transposeB: false, m: O, n: H, k: T * B,
                 a: gradOutPre.pointer, lda: O, b: hidden.pointer, ldb: H, beta: 1, c: weightHY.gradientBuffer(), ldc: H)
        }
        if let biasY, biasY.requiresGrad { addColumnSums(gradOutPre.pointer, rows: T * B, columns: O, into: biasY.gradientBuffer()) }
        projectionBackward(gradPre: gradPre.pointer, rows: T * B, gates: H, x: x, weightIH: weightIH, biasIH: biasH,
                           states: ys.pointer, weightHH: weightYH, biasHH: nil)
    }
    return (joint.view(offset: 0, shape: [T, B, O]), joint.view(offset: T * BO, shape: [B, O]))
}
