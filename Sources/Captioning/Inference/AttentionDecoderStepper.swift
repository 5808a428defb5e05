import Foundation
import Kernels
import NN

/// Decoding steps of the attention decoder without a graph and without allocating per step, for a
/// set of rows (the hypotheses of a beam, or the images of a batch), each row with its own state
/// and its image's features. Built once from a decoder; it captures the weights at that moment.
///
/// Products that share an input are done together: `[decoder_att; f_beta; W_hh] h` is one matrix
/// of `A + D + 4H` rows; the embedding's share of the LSTM input gates is a table
/// `T = embedding W_ih[:, :E]^T + b_ih + b_hh` (`[V, 4H]`) read by token; `encoder_att` of the
/// features is computed once per image, its bias folded into the query. Per row and step:
///
///     q = U h + b_U + b_W        f = W_f h + b_f        g_h = W_hh h
///     e_l = w . act(P_l + q) + b_w,  alpha = softmax(e),  z = sigmoid(f) * sum_l alpha_l a_l
///     gates = T[y] + g_h + W_ih[:, E:] z;  (h, c) = LSTM(gates, c);  log p = log_softmax(fc h)
///
/// A step is three hand-offs to a `SpinTeam`: attention over each worker's locations (softmax and
/// context in pieces, combined after), the gates and LSTM update of each worker's hidden units, and
/// each worker's rows of `fc` (with its pieces of the log-softmax) and of the next step's hidden
/// product.
public final class AttentionDecoderStepper {
    public let vocabularySize: Int, featureSize: Int, hiddenSize: Int, attentionSize: Int, embeddingSize: Int
    /// Locations per image of the current features; rows being decoded.
    public private(set) var locations = 0, rows = 0
    private let relu: Bool, zeroInitialState: Bool
    private let hiddenWeights: Buffer, hiddenBias: Buffer, tokenGates: Buffer
    private let decoder: AttentionDecoder   // keeps the weights read live (W_ih, fc, attention, init) alive
    private var images = 0
    private var features = Buffer(count: 0), projected = Buffer(count: 0)
    private var rowImage: [Int] = [], reordered: [Int] = []
    private var h = Buffer(count: 0), c = Buffer(count: 0), spareH = Buffer(count: 0), spareC = Buffer(count: 0)
    /// `[U; W_f; W_hh] h + bias` of the current state, rows `[rows, A + D + 4H]` (kept up to date
    /// at the end of every step, so a step starts with attention).
    private var hiddenOut = Buffer(count: 0), spareOut = Buffer(count: 0)
    private var alphas = Buffer(count: 0), gated = Buffer(count: 0), logProbabilities = Buffer(count: 0)
    /// What each team part writes during a step, apart from the other parts (`DecoderPartScratch`).
    private var scratch: [DecoderPartScratch] = []
    private var capacity = 0

    /// Rows of the combined hidden-state product: `A + D + 4H`.
    private var hiddenRows: Int { attentionSize + featureSize + 4 * hiddenSize }

    public init(decoder: AttentionDecoder) {
        self.decoder = decoder
        let cell = decoder.decodeStep
        vocabularySize = decoder.embedding.count; embeddingSize = decoder.embedding.dimension
        hiddenSize = cell.hiddenSize; featureSize = cell.inputSize - embeddingSize
        attentionSize = decoder.attention.decoderAttention.outputSize
        relu = decoder.attention.activation == .relu
        zeroInitialState = decoder.zeroInitialState
        precondition(cell.activations == .standard, "the decoder stepper runs the standard LSTM activations")
        let a = attentionSize, d = featureSize, h4 = 4 * hiddenSize, hs = hiddenSize, e = embeddingSize
        hiddenWeights = Buffer(uninitializedCount: (a + d + h4) * hs)
        hiddenBias = Buffer(count: a + d + h4)
        let attention = decoder.attention
        hiddenWeights.pointer.update(from: attention.decoderAttention.weight.data, count: a * hs)
        (hiddenWeights.pointer + a * hs).update(from: decoder.fBeta.weight.data, count: d * hs)
        (hiddenWeights.pointer + (a + d) * hs).update(from: cell.weightHH.data, count: h4 * hs)
        for i in 0..<a {
            hiddenBias.pointer[i] = (attention.decoderAttention.bias?.data[i] ?? 0) + (attention.encoderAttention.bias?.data[i] ?? 0)
        }
        for i in 0..<d { hiddenBias.pointer[a + i] = decoder.fBeta.bias?.data[i] ?? 0 }
        // T = embedding W_ih[:, :E]^T + b_ih + b_hh.
        tokenGates = Buffer(uninitializedCount: vocabularySize * h4)
        gemm(transposeA: false, transposeB: true, m: vocabularySize, n: h4, k: e,
             a: decoder.embedding.weight.data, lda: e, b: cell.weightIH.data, ldb: e + d,
             c: tokenGates.pointer, ldc: h4)
        for token in 0..<vocabularySize {
            let row = tokenGates.pointer + token * h4
            for j in 0..<h4 { row[j] += (cell.biasIH?.data[j] ?? 0) + (cell.biasHH?.data[j] ?? 0) }
        }
    }

    /// Starts decoding `images` images from their features (`[images, L, D]`), one row per image,
    /// each in the decoder's initial state (`init_h`, `init_c` of the mean feature, or zeros).
    public func begin(features source: UnsafePointer<Float>, images: Int, locations l: Int) {
        precondition(images >= 1 && l >= 1, "decoding needs at least one image and one location")
        let d = featureSize, a = attentionSize, hs = hiddenSize
        self.images = images; locations = l
        if features.count < images * l * d { features = Buffer(uninitializedCount: images * l * d) }
        if projected.count < images * l * a { projected = Buffer(uninitializedCount: images * l * a) }
        features.pointer.update(from: source, count: images * l * d)
        let encoderAttention = decoder.attention.encoderAttention
        let team = SpinTeam.shared, projectedRows = images * l
        team.run(parts: team.size) { part in
            let range = workerRange(part, of: team.size, total: projectedRows)
            gemm(transposeA: false, transposeB: true, m: range.count, n: a, k: d, a: source + range.lowerBound * d, lda: d,
                 b: encoderAttention.weight.data, ldb: d, c: projected.pointer + range.lowerBound * a, ldc: a, threads: 1)
        }
        ensureCapacity(images)
        if alphas.count < capacity * l { reserveStepBuffers() }
        rows = images
        rowImage = Array(0..<images)
        if zeroInitialState {
            h.pointer.update(repeating: 0, count: images * hs)
            c.pointer.update(repeating: 0, count: images * hs)
        } else {
            initialState(features: source, images: images, locations: l)
        }
        team.run(parts: team.size) { part in self.hiddenProduct(part: part, of: team.size) }
    }

    /// `init_h` and `init_c` of each image's mean feature.
    private func initialState(features source: UnsafePointer<Float>, images: Int, locations l: Int) {
        let d = featureSize, hs = hiddenSize
        // Mean feature per image (into `gated`, D floats a row), then init_h and init_c.
        for image in 0..<images {
            let mean = gated.pointer + image * d
            mean.update(repeating: 0, count: d)
            for location in 0..<l {
                let row = source + (image * l + location) * d
                for j in 0..<d { mean[j] += row[j] }
            }
            for j in 0..<d { mean[j] /= Float(l) }
        }
        for (linear, state) in [(decoder.initH, h), (decoder.initC, c)] {
            for image in 0..<images { fillRows(state.pointer + image * hs, rows: 1, columns: hs, a: linear.bias?.data, b: nil) }
            rowDots(linear.weight.data, ld: d, k: d, vectors: images, x: gated.pointer, xStride: d,
                    rows: 0..<hs, into: state.pointer, yStride: hs, accumulate: true)
        }
    }

    /// Keeps the rows `parents` (in that order, repeats allowed): row `i` continues from the state
    /// of old row `parents[i]`, on the same image.
    public func keepRows(_ parents: [Int]) {
        ensureCapacity(parents.count)
        let hs = hiddenSize
        for (i, parent) in parents.enumerated() {
            precondition(parent >= 0 && parent < rows, "row \(parent) is not being decoded (\(rows) rows)")
            (spareH.pointer + i * hs).update(from: h.pointer + parent * hs, count: hs)
            (spareC.pointer + i * hs).update(from: c.pointer + parent * hs, count: hs)
        }
        for (i, parent) in parents.enumerated() {
            (spareOut.pointer + i * hiddenRows).update(from: hiddenOut.pointer + parent * hiddenRows, count: hiddenRows)
        }
        swap(&h, &spareH); swap(&c, &spareC); swap(&hiddenOut, &spareOut)
        reordered = parents.map { rowImage[$0] }
        swap(&rowImage, &reordered)
        rows = parents.count
    }

    /// One step of every row from its previous token (`tokens.count == rows`). Afterwards
    /// `logProbabilities(row:)` and `alpha(row:)` hold the step's output.
    public func step(tokens: [Int32]) {
        precondition(tokens.count == rows, "\(tokens.count) tokens for \(rows) rows")
        for token in tokens { precondition(token >= 0 && Int(token) < vocabularySize, "token \(token) is outside the vocabulary") }
        let team = SpinTeam.shared, parts = team.size
        let a = attentionSize, d = featureSize, hs = hiddenSize, v = vocabularySize, l = locations, n = rows
        let cell = decoder.decodeStep, attention = decoder.attention, fc = decoder.fc
        let fullBias = attention.fullAttention.bias?.data[0] ?? 0
        // 1. Attention over each part's locations: scores, their exponentials shifted by the
        //    part's largest score, and the weighted feature sum (a softmax in pieces).
        team.run(parts: parts) { part in
            let range = workerRange(part, of: parts, total: l), own = scratch[part]
            for r in 0..<n {
                let image = rowImage[r], scores = own.scores.pointer + r * l + range.lowerBound
                additiveAttentionForward(projected: projected.pointer + (image * l + range.lowerBound) * a, query: hiddenOut.pointer + r * hiddenRows,
                                         weight: attention.fullAttention.weight.data, bias: fullBias, batch: 1, locations: range.count,
                                         width: a, relu: relu, activated: nil, scores: scores)
                let (largest, sum) = shiftedExponentials(scores, count: range.count, into: scores)
                own.maxima.pointer[r] = largest; own.sums.pointer[r] = sum
                attentionContextForward(alpha: scores, features: features.pointer + (image * l + range.lowerBound) * d, batch: 1,
                                        locations: range.count, width: d, context: own.context.pointer + r * d)
            }
        }
        // Combine the pieces: alpha = e^(s - M) / S, z = sigmoid(f) * sum_l alpha_l a_l.
        for r in 0..<n {
            let (largest, total) = combinedPieces(row: r, parts: parts) { !workerRange($0, of: parts, total: l).isEmpty }
            let z = gated.pointer + r * d
            z.update(repeating: 0, count: d)
            for part in 0..<parts {
                let range = workerRange(part, of: parts, total: l)
                if range.isEmpty { continue }
                let own = scratch[part], scale = Foundation.exp(own.maxima.pointer[r] - largest) / total
                let alpha = alphas.pointer + r * l, scores = own.scores.pointer + r * l
                for i in range { alpha[i] = scores[i] * scale }
                let piece = own.context.pointer + r * d
                for j in 0..<d { z[j] += scale * piece[j] }
            }
            gateContext(z, gate: hiddenOut.pointer + r * hiddenRows + a, count: d)
        }
        // 2. gates = T[y] + g_h + W_ih[:, E:] z and the LSTM update, the hidden units split.
        team.run(parts: parts) { part in
            let units = blockRange(part, of: parts, total: hs), gates = scratch[part].gates
            if units.isEmpty { return }
            for q in 0..<4 {
                let rowsOfGate = (q * hs + units.lowerBound)..<(q * hs + units.upperBound)
                for r in 0..<n {
                    let g = gates.pointer + r * 4 * hs, table = tokenGates.pointer + Int(tokens[r]) * 4 * hs
                    let recurrent = hiddenOut.pointer + r * hiddenRows + a + d
                    for j in rowsOfGate { g[j] = table[j] + recurrent[j] }
                }
                rowDots(cell.weightIH.data + embeddingSize, ld: embeddingSize + d, k: d, vectors: n, x: gated.pointer, xStride: d,
                        rows: rowsOfGate, into: gates.pointer + rowsOfGate.lowerBound, yStride: 4 * hs, accumulate: true)
            }
            for r in 0..<n {
                lstmUnitsForward(gates: gates.pointer + r * 4 * hs, otherGates: nil, hidden: hs, units: units, c: c.pointer + r * hs, h: h.pointer + r * hs)
            }
        }
        // 3. logits = fc h with each block's largest logit and sum of exponentials, and the next
        //    step's hidden product; the rows of both split.
        team.run(parts: parts) { part in
            let range = blockRange(part, of: parts, total: v), own = scratch[part], logits = own.logits
            for r in 0..<n {
                let row = logits.pointer + r * v + range.lowerBound
                if let bias = fc.bias { row.update(from: bias.data + range.lowerBound, count: range.count) } else { row.update(repeating: 0, count: range.count) }
            }
            rowDots(fc.weight.data, ld: hs, k: hs, vectors: n, x: h.pointer, xStride: hs,
                    rows: range, into: logits.pointer + range.lowerBound, yStride: v, accumulate: true)
            for r in 0..<n {
                let (largest, sum) = shiftedExponentials(logits.pointer + r * v + range.lowerBound, count: range.count, into: nil)
                own.maxima.pointer[r] = largest; own.sums.pointer[r] = sum
            }
            self.hiddenProduct(part: part, of: parts)
        }
        // log p = logit - (M + log sum_w S_w e^(m_w - M)).
        for r in 0..<n {
            let (largest, total) = combinedPieces(row: r, parts: parts) { !blockRange($0, of: parts, total: v).isEmpty }
            let shift = largest + Foundation.log(total), target = logProbabilities.pointer + r * v
            for part in 0..<parts {
                let source = scratch[part].logits.pointer + r * v
                for i in blockRange(part, of: parts, total: v) { target[i] = source[i] - shift }
            }
        }
    }

    /// Log-probabilities of the next word for `row` after the last step (`V` floats).
    public func logProbabilities(row: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: logProbabilities.pointer + row * vocabularySize, count: vocabularySize)
    }

    /// The attention weights of `row` at the last step (`L` floats).
    public func alpha(row: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: alphas.pointer + row * locations, count: locations)
    }

    /// Row `r`'s pieces of a softmax combined: the largest partial maximum M over the non-empty
    /// parts and `sum_w S_w e^(m_w - M)` (from each part's `maxima` and `sums`).
    private func combinedPieces(row r: Int, parts: Int, nonEmpty: (Int) -> Bool) -> (largest: Float, total: Float) {
        var largest = -Float.infinity, total: Float = 0
        for part in 0..<parts where nonEmpty(part) { largest = max(largest, scratch[part].maxima.pointer[r]) }
        for part in 0..<parts where nonEmpty(part) {
            total += scratch[part].sums.pointer[r] * Foundation.exp(scratch[part].maxima.pointer[r] - largest)
        }
        return (largest, total)
    }

    /// Part `part` of `[q; f; g_h] = [U; W_f; W_hh] h + bias` for every row (a block of weight rows).
    private func hiddenProduct(part: Int, of parts: Int) {
        let range = blockRange(part, of: parts, total: hiddenRows), hs = hiddenSize
        for r in 0..<rows { (hiddenOut.pointer + r * hiddenRows + range.lowerBound).update(from: hiddenBias.pointer + range.lowerBound, count: range.count) }
        rowDots(hiddenWeights.pointer, ld: hs, k: hs, vectors: rows, x: h.pointer, xStride: hs,
                rows: range, into: hiddenOut.pointer + range.lowerBound, yStride: hiddenRows, accumulate: true)
    }

    private func ensureCapacity(_ needed: Int) {
        guard needed > capacity else { return }
        let old = capacity
        capacity = max(needed, 2 * capacity)
        let hs = hiddenSize, n = capacity
        func grown(_ buffer: Buffer, _ width: Int) -> Buffer {
            let b = Buffer(count: n * width)
            b.pointer.update(from: buffer.pointer, count: min(buffer.count, old * width))
            return b
        }
        h = grown(h, hs); c = grown(c, hs)
        spareH = Buffer(count: n * hs); spareC = Buffer(count: n * hs)
        hiddenOut = grown(hiddenOut, hiddenRows); spareOut = Buffer(count: n * hiddenRows)
        gated = Buffer(count: n * featureSize)
        logProbabilities = Buffer(count: n * vocabularySize)
        reserveStepBuffers()
    }

    /// The attention weights and every team part's scratch for the current capacity and number of
    /// locations.
    private func reserveStepBuffers() {
        alphas = Buffer(count: capacity * locations)
        scratch = (0..<SpinTeam.shared.size).map { _ in
            DecoderPartScratch(rows: capacity, locations: locations, featureSize: featureSize, gates: 4 * hiddenSize, vocabulary: vocabularySize)
        }
    }
}

/// The largest of `count` values m and `sum_i e^(p[i] - m)`; with `into`, also writes each
/// `e^(p[i] - m)` there (it may be `p` itself).
private func shiftedExponentials(_ p: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>?) -> (largest: Float, sum: Float) {
    var m = -Float.infinity
    for i in 0..<count { m = max(m, p[i]) }
    var sum = Float8(), tail: Float = 0, i = 0
    while i + 8 <= count {
        let e = fastExp(UnsafeRawPointer(p + i).loadUnaligned(as: Float8.self) - m)
        if let out { UnsafeMutableRawPointer(out + i).storeBytes(of: e, as: Float8.self) }
        sum += e
        i += 8
    }
    while i < count {
        let e = fastExp(p[i] - m)
        out?[i] = e
        tail += e
        i += 1
    }
    return (m, sum.sum() + tail)
}

/// Block `part` of `parts` over `total` items, edges on multiples of 8 (whole vectors).
private func blockRange(_ part: Int, of parts: Int, total: Int) -> Range<Int> {
    let blocks = (total + 7) / 8
    let r = workerRange(part, of: parts, total: blocks)
    return min(total, r.lowerBound * 8)..<min(total, r.upperBound * 8)
}

/// `z[j] *= sigmoid(gate[j])`.
private func gateContext(_ z: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, count: Int) {
    var j = 0
    while j + 8 <= count {
        let g = fastSigmoid(UnsafeRawPointer(gate + j).loadUnaligned(as: Float8.self))
        let v = UnsafeRawPointer(z + j).loadUnaligned(as: Float8.self) * g
        UnsafeMutableRawPointer(z + j).storeBytes(of: v, as: Float8.self)
        j += 8
    }
    while j < count { z[j] *= fastSigmoid(gate[j]); j += 1 }
}

/// One team part's share of a decoding step, each array an allocation of its own
/// (`Buffer(unsharedCount:)`), so no cache line is written by two cores. Per row:
/// the scores of the part's locations (at their places in `[L]`), their largest value, the sum of
/// their exponentials and their weighted feature sum (`[D]`), the part's gate rows (`[4H]`) and its
/// logits (at their places in `[V]`).
private final class DecoderPartScratch {
    let scores: Buffer, maxima: Buffer, sums: Buffer, context: Buffer, gates: Buffer, logits: Buffer

    init(rows: Int, locations: Int, featureSize: Int, gates gateCount: Int, vocabulary: Int) {
        scores = Buffer(unsharedCount: rows * locations); maxima = Buffer(unsharedCount: rows); sums = Buffer(unsharedCount: rows)
        context = Buffer(unsharedCount: rows * featureSize); gates = Buffer(unsharedCount: rows * gateCount); logits = Buffer(unsharedCount: rows * vocabulary)
    }
}
