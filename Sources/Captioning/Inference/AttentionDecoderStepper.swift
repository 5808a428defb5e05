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
/// Rows are split over the cores when there are several.
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
    private var hiddenOut = Buffer(count: 0), alphas = Buffer(count: 0), gated = Buffer(count: 0)
    private var gates = Buffer(count: 0), cellOutput = Buffer(count: 0), logits = Buffer(count: 0), logProbabilities = Buffer(count: 0)
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
        gemm(transposeA: false, transposeB: true, m: images * l, n: a, k: d,
             a: source, lda: d, b: encoderAttention.weight.data, ldb: d, c: projected.pointer, ldc: a)
        ensureCapacity(images)
        if alphas.count < capacity * l { alphas = Buffer(count: capacity * l) }
        rows = images
        rowImage = Array(0..<images)
        if zeroInitialState {
            h.pointer.update(repeating: 0, count: images * hs)
            c.pointer.update(repeating: 0, count: images * hs)
            return
        }
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
        swap(&h, &spareH); swap(&c, &spareC)
        reordered = parents.map { rowImage[$0] }
        swap(&rowImage, &reordered)
        rows = parents.count
    }

    /// One step of every row from its previous token (`tokens.count == rows`). Afterwards
    /// `logProbabilities(row:)` and `alpha(row:)` hold the step's output.
    public func step(tokens: [Int32]) {
        precondition(tokens.count == rows, "\(tokens.count) tokens for \(rows) rows")
        for token in tokens { precondition(token >= 0 && Int(token) < vocabularySize, "token \(token) is outside the vocabulary") }
        let workers = min(kernelWorkers, rows)
        if workers == 1 {
            advance(rows: 0..<rows, tokens: tokens)
        } else {
            let me = SharedStepper(self)
            parallelFor(workers: workers) { w in me.stepper.advance(rows: workerRange(w, of: workers, total: me.stepper.rows), tokens: tokens) }
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
        hiddenOut = Buffer(count: n * hiddenRows)
        gated = Buffer(count: n * featureSize)
        gates = Buffer(count: n * 4 * hs); cellOutput = Buffer(count: n * hs)
        logits = Buffer(count: n * vocabularySize); logProbabilities = Buffer(count: n * vocabularySize)
        alphas = Buffer(count: n * locations)
    }

    /// All phases of a step for a contiguous range of rows.
    fileprivate func advance(rows range: Range<Int>, tokens: [Int32]) {
        if range.isEmpty { return }
        let a = attentionSize, d = featureSize, hs = hiddenSize, v = vocabularySize, l = locations
        let n = range.count, first = range.lowerBound
        let cell = decoder.decodeStep, attention = decoder.attention
        // [q; f; g_h] = [U; W_f; W_hh] h + bias.
        let out = hiddenOut.pointer + first * hiddenRows
        for r in 0..<n { (out + r * hiddenRows).update(from: hiddenBias.pointer, count: hiddenRows) }
        rowDots(hiddenWeights.pointer, ld: hs, k: hs, vectors: n, x: h.pointer + first * hs, xStride: hs,
                rows: 0..<hiddenRows, into: out, yStride: hiddenRows, accumulate: true)
        let fullBias = attention.fullAttention.bias?.data[0] ?? 0
        for r in 0..<n {
            let row = first + r, image = rowImage[row]
            let query = out + r * hiddenRows
            // Attention weights, context, and the gated context z (into `gated`).
            let alpha = alphas.pointer + row * l
            additiveAttentionForward(projected: projected.pointer + image * l * a, query: query, weight: attention.fullAttention.weight.data,
                                     bias: fullBias, batch: 1, locations: l, width: a, relu: relu, activated: nil, scores: alpha)
            softmaxForward(x: alpha, outer: 1, n: l, inner: 1, y: alpha)
            let z = gated.pointer + row * d
            weightedSum(alpha, rows: features.pointer + image * l * d, count: l, width: d, into: z)
            gateContext(z, gate: query + a, count: d)
            // Gates: T[y] + g_h + W_ih[:, E:] z.
            let g = gates.pointer + row * 4 * hs, table = tokenGates.pointer + Int(tokens[row]) * 4 * hs, recurrent = query + a + d
            for j in 0..<(4 * hs) { g[j] = table[j] + recurrent[j] }
        }
        rowDots(cell.weightIH.data + embeddingSize, ld: embeddingSize + d, k: d, vectors: n, x: gated.pointer + first * d, xStride: d,
                rows: 0..<(4 * hs), into: gates.pointer + first * 4 * hs, yStride: 4 * hs, accumulate: true)
        lstmStepForward(gates: gates.pointer + first * 4 * hs, cPrev: c.pointer + first * hs, c: spareC.pointer + first * hs,
                        cellOutput: cellOutput.pointer + first * hs, h: h.pointer + first * hs, batch: n, hidden: hs)
        (c.pointer + first * hs).update(from: spareC.pointer + first * hs, count: n * hs)
        // log_softmax(fc h).
        let fc = decoder.fc
        for r in 0..<n { fillRows(logits.pointer + (first + r) * v, rows: 1, columns: v, a: fc.bias?.data, b: nil) }
        rowDots(fc.weight.data, ld: hs, k: hs, vectors: n, x: h.pointer + first * hs, xStride: hs,
                rows: 0..<v, into: logits.pointer + first * v, yStride: v, accumulate: true)
        softmaxForward(x: logits.pointer + first * v, outer: n, n: v, inner: 1, y: logProbabilities.pointer + first * v, log: true)
    }
}

/// `out[j] = sum_i weights[i] * rows[i * width + j]` (`out` has `width` floats).
private func weightedSum(_ weights: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
    out.update(repeating: 0, count: width)
    for i in 0..<count {
        let w = weights[i], row = rows + i * width
        for j in 0..<width { out[j] += w * row[j] }
    }
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

/// The stepper crossing into `parallelFor`'s workers, which touch disjoint rows.
private struct SharedStepper: @unchecked Sendable {
    let stepper: AttentionDecoderStepper
    init(_ stepper: AttentionDecoderStepper) { self.stepper = stepper }
}
