import Kernels

/// Which (step, row) pairs of a padded `[T, B, ...]` batch are real: row b is active at step s
/// when `s < lengths[b]` (every step when there are no lengths). Inactive rows carry their state
/// unchanged, output zeros, and pass gradients straight through. Methods work on a block of rows
/// (`rows`), so row blocks can run on separate cores; pointers address the whole batch.
struct SequenceMask: Sendable {
    let lengths: [Int]?
    let steps: Int, batch: Int

    init(lengths: [Int]?, steps: Int, batch: Int) {
        if let lengths {
            precondition(lengths.count == batch, "\(lengths.count) lengths for a batch of \(batch)")
            for l in lengths { precondition(l >= 0 && l <= steps, "sequence length \(l) is outside 0...\(steps)") }
        }
        self.lengths = lengths; self.steps = steps; self.batch = batch
    }

    @inline(__always)
    func isActive(_ row: Int, _ step: Int) -> Bool { lengths.map { step < $0[row] } ?? true }

    /// Calls `body` with each maximal run of consecutive active rows of `rows` at `step`.
    func forEachActiveRun(_ step: Int, rows: Range<Int>, _ body: (Range<Int>) -> Void) {
        guard let lengths else { body(rows); return }
        var start = -1
        for b in rows {
            if step < lengths[b] {
                if start < 0 { start = b }
            } else if start >= 0 {
                body(start..<b); start = -1
            }
        }
        if start >= 0 { body(start..<rows.upperBound) }
    }

    /// For inactive rows at `step`: `next[b] = previous[b]` (rows of `width`).
    func carryInactive(_ step: Int, rows: Range<Int>, previous: UnsafePointer<Float>, next: UnsafeMutablePointer<Float>, width: Int) {
        guard lengths != nil else { return }
        for b in rows where !isActive(b, step) {
            (next + b * width).update(from: previous + b * width, count: width)
        }
    }

    /// `out[s] = states[s]` for active rows, 0 for inactive ones, over all steps (`[T, B, width]`).
    /// Each core copies the rows of its own block (`forEachRowBlock`), the rows it wrote.
    func copyOutputs(from states: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>, width: Int) {
        let source = SharedPointer(states), target = SharedPointer(out), mask = self
        forEachRowBlock(batch) { rows in
            for s in 0..<mask.steps {
                let first = (s * mask.batch + rows.lowerBound) * width
                (target.pointer + first).update(from: source.pointer + first, count: rows.count * width)
                for b in rows where !mask.isActive(b, s) {
                    (target.pointer + (s * mask.batch + b) * width).update(repeating: 0, count: width)
                }
            }
        }
    }

    /// `total = carry + gradOutput[step]` for active rows, `carry` alone for inactive ones.
    func addOutputGradient(_ step: Int, rows: Range<Int>, carry: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                           total: UnsafeMutablePointer<Float>, width: Int) {
        let g = gradOutput + step * batch * width
        for b in rows {
            let t = total + b * width, c = carry + b * width
            if isActive(b, step) {
                let gb = g + b * width
                for j in 0..<width { t[j] = c[j] + gb[j] }
            } else {
                t.update(from: c, count: width)
            }
        }
    }

    /// For inactive rows: `previous[b] = total[b]` (the gradient passes the step unchanged).
    func passInactive(_ step: Int, rows: Range<Int>, total: UnsafePointer<Float>, into previous: UnsafeMutablePointer<Float>, width: Int) {
        guard lengths != nil else { return }
        for b in rows where !isActive(b, step) {
            (previous + b * width).update(from: total + b * width, count: width)
        }
    }
}

/// The joint result of a recurrent op: the outputs `[T, B, width]` and then the final states
/// (`finals`, `[B, width]` each). `states` holds the initial state and one per step, with room for
/// the finals after them (`(T + 1 + finals.count) * B * width`). Without lengths the result is a
/// view of `states` from step 1, so the outputs are not copied; with lengths it is a copy with the
/// inactive steps zeroed.
func recurrentResult(states: Buffer, mask: SequenceMask, width: Int, finals: [UnsafePointer<Float>]) -> Tensor {
    let stepSize = mask.batch * width, count = (mask.steps + finals.count) * stepSize
    precondition(states.count >= stepSize + count, "recurrent states need room for the final states")
    let joint: Tensor
    if mask.lengths == nil {
        joint = Tensor(shape: [count], storage: states, offset: stepSize)
    } else {
        joint = Tensor.uninitializedOutput([count])
        mask.copyOutputs(from: states.pointer + stepSize, to: joint.data, width: width)
    }
    for (i, final) in finals.enumerated() {
        (joint.data + (mask.steps + i) * stepSize).update(from: final, count: stepSize)
    }
    return joint
}

/// One row block's own copy of `[B, width]` batch states (the gradient a backward carries from
/// step to step, its sums): the block uses rows `rows`, addressed as in a whole-batch buffer, in
/// memory no other core writes (`Buffer(unsharedCount:)`). When two cores wrote neighbouring rows
/// of one shared buffer at every step, the writes of one of them slowed down (a GRU backward pass
/// by 4-8 us a step of 20-30, with the cores far apart), as `RecurrentStepper`'s per-part scratch
/// found for sampling.
final class BlockStates: @unchecked Sendable {
    private let buffer: Buffer
    let rows: Range<Int>, width: Int

    /// The block's rows copied from `source` (a whole-batch buffer), or zeros.
    init(rows: Range<Int>, width: Int, from source: UnsafePointer<Float>? = nil) {
        buffer = Buffer(unsharedCount: rows.upperBound * width)
        self.rows = rows; self.width = width
        if let source { (buffer.pointer + rows.lowerBound * width).update(from: source + rows.lowerBound * width, count: rows.count * width) }
    }

    /// Row b (in `rows`) is at `pointer + b * width`.
    var pointer: UnsafeMutablePointer<Float> { buffer.pointer }

    /// Writes the block's rows into a whole-batch buffer.
    func copyRows(to target: UnsafeMutablePointer<Float>) {
        (target + rows.lowerBound * width).update(from: buffer.pointer + rows.lowerBound * width, count: rows.count * width)
    }
}

/// How many blocks of rows a recurrence over `batch` rows is split into: rows are independent
/// through time, so each block runs all its steps on its own core with no synchronisation.
func recurrentRowBlocks(_ batch: Int) -> Int {
    batch >= 8 ? min(kernelWorkers, batch / 4) : 1
}

/// Runs `body(rows)` for each block of rows on its own core.
func forEachRowBlock(_ batch: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let blocks = recurrentRowBlocks(batch)
    parallelFor(workers: blocks) { w in
        let rows = workerRange(w, of: blocks, total: batch)
        if !rows.isEmpty { body(rows) }
    }
}

/// The step product of a recurrent weight `W [rows, columns]`: `C += A W^T` (`transposed`, the
/// forward `h W_hh^T`) or `C += A W` (the backward `dGates W_hh`). Over a sequence of several
/// steps the weight is packed once and `packedProduct` runs near the FMA peak; for one to three
/// steps packing costs more than it saves and the plain BLAS product is used.
///
/// Made on the calling thread without packing; each row block then calls `packedCopy()` on its
/// own core, so the packed weight is written and read by one core alone (a copy shared by cores
/// far apart made the products that read it about 5% slower).
struct RecurrentProduct: @unchecked Sendable {
    let k: Int, n: Int, steps: Int
    let packed: Buffer?
    let weight: UnsafePointer<Float>, ld: Int, transposed: Bool

    init(_ w: Tensor, transposed: Bool, steps: Int) {
        let rows = w.shape[0], columns = w.shape[1]
        (k, n) = transposed ? (columns, rows) : (rows, columns)
        weight = UnsafePointer(w.data); ld = columns; self.transposed = transposed; self.steps = steps
        packed = nil
    }

    private init(_ other: RecurrentProduct, packed: Buffer) {
        (k, n, steps, weight, ld, transposed) = (other.k, other.n, other.steps, other.weight, other.ld, other.transposed)
        self.packed = packed
    }

    /// This product with the weight packed by the calling core (over 4 steps or more).
    func packedCopy() -> RecurrentProduct {
        guard steps >= 4, packed == nil else { return self }
        let buffer = Buffer(uninitializedCount: packedCount(k: k, n: n))   // packing writes every value
        packRightHandSide(weight, k: k, n: n, ld: ld, transposed: transposed, into: buffer.pointer)
        return RecurrentProduct(self, packed: buffer)
    }

    /// `C[m, n] += A[m, k] * op(W)` (rows of A and C with strides `lda`, `ldc`), on the calling core;
    /// with `start` (a row of n values, such as a bias), `C = start + A op(W)` without reading C first.
    func accumulate(m: Int, a: UnsafePointer<Float>, lda: Int, c: UnsafeMutablePointer<Float>, ldc: Int, start: UnsafePointer<Float>? = nil) {
        if let packed {
            packedProduct(m: m, n: n, k: k, a: a, lda: lda, packed: packed.pointer, c: c, ldc: ldc, start: start)
        } else {
            if let start { for r in 0..<m { (c + r * ldc).update(from: start, count: n) } }
            gemm(transposeA: false, transposeB: transposed, m: m, n: n, k: k, a: a, lda: lda,
                 b: weight, ldb: ld, beta: 1, c: c, ldc: ldc, threads: 1)
        }
    }
}

/// `[T, B, F]` sizes of a time-major sequence.
func sequenceShape(_ x: Tensor, _ op: String) -> (steps: Int, batch: Int, features: Int) {
    precondition(x.rank == 3, "\(op) takes a time-major sequence [T, B, features], not \(x.shape)")
    return (x.shape[0], x.shape[1], x.shape[2])
}

/// What a recurrent op reads: a time-major sequence `x [T, B, I]`, or token ids (`[T * B]`,
/// time-major) looked up in an embedding table `[V, I]`, as the first layer of a language model
/// reads them. From tokens the input products are those of the V table rows, gathered:
/// `x_t W^T = (E W^T)[id_t]`; the backward adds the step gradients onto their V rows and makes
/// the weight and table gradients from those. The same results as looking the rows up first,
/// with V instead of T * B rows in each product.
public struct SequenceInput {
    public let steps: Int, batch: Int, features: Int
    /// The features, or the embedding table: the tensor gradients flow to.
    let tensor: Tensor
    /// The token ids when reading through an embedding table.
    let tokens: [Int32]?

    /// A time-major sequence `x [T, B, I]`.
    public init(_ x: Tensor) {
        (steps, batch, features) = sequenceShape(x, "a recurrent op")
        tensor = x; tokens = nil
    }

    /// Token ids `[T * B]` (time-major) read through `embedding [V, I]`.
    public init(tokens: [Int32], steps: Int, batch: Int, embedding: Tensor) {
        precondition(embedding.rank == 2, "an embedding table is [V, features], not \(embedding.shape)")
        precondition(tokens.count == steps * batch, "\(tokens.count) token ids for \(steps) steps of \(batch)")
        let v = embedding.shape[0]
        for id in tokens { precondition(id >= 0 && Int(id) < v, "token id \(id) is outside the embedding table of \(v) rows") }
        self.steps = steps; self.batch = batch; features = embedding.shape[1]
        tensor = embedding; self.tokens = tokens
    }
}

/// Checks a weight's shape with a message naming it.
func expectShape(_ t: Tensor?, _ shape: [Int], _ name: String, _ op: String) {
    guard let t else { return }
    precondition(t.shape == shape, "\(op): \(name) must be \(shape), not \(t.shape)")
}

/// The input projection of a sequence, rows `out[s*B + b, G] = x_s W^T + a + b` (from tokens: rows
/// of the table `E W^T + a + b`). With several row blocks (`forEachRowBlock`) it is made one step at
/// a time inside the recurrence, by the core that runs the rows, just before the step's
/// element-wise pass reads them from its cache (rows projected for all steps beforehand would have
/// gone out to memory); with one block, by one product over all T*B rows here, up front.
/// Made on the calling thread; each row block takes `forBlock()` on its own core.
struct InputProjection: @unchecked Sendable {
    let batch: Int, gates: Int, inputs: Int
    /// Whether the rows are projected step by step (several row blocks) or were made up front.
    let perStep: Bool
    private let out: UnsafeMutablePointer<Float>
    private let tokens: [Int32]?
    /// From tokens: the projected table `[V, G]`; else the bias row `[G]` the products start from.
    private let start: Buffer
    private let x: UnsafePointer<Float>
    /// Nil when the whole projection was made up front.
    private let product: RecurrentProduct?

    init(_ input: SequenceInput, weight: Tensor, biasA: Tensor?, biasB: Tensor?, into out: UnsafeMutablePointer<Float>) {
        batch = input.batch; gates = weight.shape[0]; inputs = input.features
        self.out = out; tokens = input.tokens; x = UnsafePointer(input.tensor.data)
        perStep = recurrentRowBlocks(input.batch) > 1
        if input.tokens != nil {
            let rows = input.tensor.shape[0]
            start = Buffer(uninitializedCount: rows * gates)
            fillRows(start.pointer, rows: rows, columns: gates, a: biasA?.data, b: biasB?.data)
            gemm(transposeA: false, transposeB: true, m: rows, n: gates, k: inputs,
                 a: x, lda: inputs, b: weight.data, ldb: inputs, beta: 1, c: start.pointer, ldc: gates)
            product = nil
        } else {
            start = Buffer(uninitializedCount: gates)
            fillRows(start.pointer, rows: 1, columns: gates, a: biasA?.data, b: biasB?.data)
            product = perStep ? RecurrentProduct(weight, transposed: true, steps: input.steps) : nil
            if !perStep {
                let rows = input.steps * input.batch
                fillRows(out, rows: rows, columns: gates, a: biasA?.data, b: biasB?.data)
                gemm(transposeA: false, transposeB: true, m: rows, n: gates, k: inputs,
                     a: x, lda: inputs, b: weight.data, ldb: inputs, beta: 1, c: out, ldc: gates)
            }
        }
        if !perStep, let tokens { copyTableRows(0..<tokens.count) }
    }

    private init(_ other: InputProjection, product: RecurrentProduct?) {
        (batch, gates, inputs, perStep, out, tokens, start, x) = (other.batch, other.gates, other.inputs, other.perStep, other.out, other.tokens, other.start, other.x)
        self.product = product
    }

    /// This projection with the weight packed by the calling core.
    func forBlock() -> InputProjection { InputProjection(self, product: product?.packedCopy()) }

    /// Writes the projected rows `rows` of step `step` (nothing when they were made up front).
    func project(step: Int, rows: Range<Int>) {
        guard perStep else { return }
        let first = step * batch + rows.lowerBound
        if tokens != nil {
            copyTableRows(first..<(first + rows.count))
        } else if let product {
            product.accumulate(m: rows.count, a: x + first * inputs, lda: inputs, c: out + first * gates, ldc: gates,
                               start: UnsafePointer(start.pointer))
        }
    }

    /// From tokens: rows `rows` of the output (`s*B + b`) as their tokens' rows of the table.
    private func copyTableRows(_ rows: Range<Int>) {
        guard let tokens else { return }
        for r in rows { (out + r * gates).update(from: start.pointer + Int(tokens[r]) * gates, count: gates) }
    }
}

/// A recurrent layer's input gradient made step by step inside its backward, by the core that runs
/// the rows: `gx[s*B + b] += gradPre[s*B + b] W_ih` for a row block's rows, right after the step
/// makes them (read from the core's cache), with `W_ih` packed once by that core. Made as one
/// product over all T*B rows afterwards instead, its rows were split into halves of time, so half
/// of each core's rows came from the other core, and the layer below then read half its output
/// gradient from the other core. Nil for tokens, an input that needs no gradient, or one row block
/// (where the product afterwards is as good).
struct StepInputGradient: @unchecked Sendable {
    private let product: RecurrentProduct
    private let gx: UnsafeMutablePointer<Float>
    private let batch: Int, gates: Int, inputs: Int

    init?(_ input: SequenceInput, weightIH: Tensor) {
        guard input.tokens == nil, input.tensor.requiresGrad, recurrentRowBlocks(input.batch) > 1 else { return nil }
        batch = input.batch; gates = weightIH.shape[0]; inputs = input.features
        gx = input.tensor.gradientBuffer()
        product = RecurrentProduct(weightIH, transposed: false, steps: input.steps)
    }

    private init(_ other: StepInputGradient, product: RecurrentProduct) {
        (gx, batch, gates, inputs) = (other.gx, other.batch, other.gates, other.inputs)
        self.product = product
    }

    /// This gradient with the weight packed by the calling core.
    func forBlock() -> StepInputGradient { StepInputGradient(self, product: product.packedCopy()) }

    /// Adds the rows `rows` of step `step`: `gradPre` addresses the whole sequence's rows `[T*B, G]`.
    func add(step: Int, rows: Range<Int>, gradPre: UnsafePointer<Float>) {
        let first = step * batch + rows.lowerBound
        product.accumulate(m: rows.count, a: gradPre + first * gates, lda: gates, c: gx + first * inputs, ldc: inputs)
    }
}

/// From tokens, the gradient of the projected table (`[V, G]`, see `SequenceInput`): each row block
/// adds its steps' input-gate gradient rows onto their tokens' rows as its backward makes them, from
/// the core's cache, into a table of its own; `sum()` then adds the blocks' tables. (Added in a pass
/// over all T*B rows afterwards, each core read half its rows from the other core.)
final class TokenTableGradient: @unchecked Sendable {
    private let tokens: [Int32]
    private let batch: Int, gates: Int, tableRows: Int, blocks: Int
    /// Each row block's table, made by the core that runs the block.
    private let blockTables: UnsafeMutablePointer<Buffer?>

    /// Nil unless `input` reads tokens.
    init?(_ input: SequenceInput, gates: Int) {
        guard let tokens = input.tokens else { return nil }
        self.tokens = tokens; batch = input.batch; self.gates = gates; tableRows = input.tensor.shape[0]
        blocks = recurrentRowBlocks(input.batch)
        blockTables = .allocate(capacity: blocks)
        blockTables.initialize(repeating: nil, count: blocks)
    }

    deinit {
        blockTables.deinitialize(count: blocks)
        blockTables.deallocate()
    }

    /// The zeroed table of the row block `rows` (a block of `forEachRowBlock`), made on the calling core.
    func startBlock(_ rows: Range<Int>) -> UnsafeMutablePointer<Float> {
        guard let block = (0..<blocks).first(where: { workerRange($0, of: blocks, total: batch) == rows }) else {
            preconditionFailure("rows \(rows) are not a row block of a batch of \(batch)")
        }
        let table = Buffer(unsharedCount: tableRows * gates)
        blockTables[block] = table
        return table.pointer
    }

    /// Adds rows `rows` of step `step` (`gradPre` addresses the whole sequence's rows `[T*B, G]`)
    /// onto their tokens' rows of a block's `table`.
    func add(step: Int, rows: Range<Int>, gradPre: UnsafePointer<Float>, into table: UnsafeMutablePointer<Float>) {
        for b in rows {
            let r = step * batch + b
            accumulate(gradPre + r * gates, into: table + Int(tokens[r]) * gates, count: gates)
        }
    }

    /// The blocks' tables added: the table's gradient `[V, G]`.
    func sum() -> Buffer {
        let total = Buffer(count: tableRows * gates)
        for block in 0..<blocks {
            if let table = blockTables[block] { accumulate(table.pointer, into: total.pointer, count: total.count) }
        }
        return total
    }
}

/// The input-side gradients a recurrent layer's backward makes step by step from its
/// pre-activation gradient `gradPre [T*B, G]`, each row block on its own core right after the
/// step: from tokens, the projected table's (`TokenTableGradient`); from a sequence that needs a
/// gradient, over several row blocks, the sequence's (`StepInputGradient`).
/// `projectionBackward` then uses the table and skips the input gradient it would otherwise make.
struct StepGradients: @unchecked Sendable {
    let table: TokenTableGradient?
    let input: StepInputGradient?

    init(_ input: SequenceInput, weightIH: Tensor) {
        table = TokenTableGradient(input, gates: weightIH.shape[0])
        self.input = StepInputGradient(input, weightIH: weightIH)
    }

    /// Row block `rows`'s share (its table, its packed weight), made on the calling core.
    func forBlock(_ rows: Range<Int>) -> Block {
        Block(rows: rows, table: table, tableRows: table?.startBlock(rows), input: input?.forBlock())
    }

    /// One row block's share of `StepGradients`.
    struct Block {
        let rows: Range<Int>
        let table: TokenTableGradient?, tableRows: UnsafeMutablePointer<Float>?
        let input: StepInputGradient?

        /// Adds step `step`'s rows of the block (`gradPre` addresses the whole sequence's rows).
        func add(step: Int, gradPre: UnsafePointer<Float>) {
            if let table, let tableRows { table.add(step: step, rows: rows, gradPre: gradPre, into: tableRows) }
            input?.add(step: step, rows: rows, gradPre: gradPre)
        }
    }
}

/// The backward of an input projection and a recurrent product from stacked pre-activation
/// gradients `gradPre [T*B, G]`: `gW_ih += gradPre^T x`, `gW_hh += gradPre^T states[0..<T]`,
/// biases `+= column sums`, `gx += gradPre W_ih`; with `columnSums` (`[G]`), the column sums are
/// added there too, for a caller with another use for them. The weight gradients sum each row
/// block's rows on the core that ran the block (`gemmOverRowBlocks`).
/// `gradPre` has the whole sequence's `T*B` rows. From tokens, `x` is the table and the gradient of
/// its projected rows (`[V, G]`) is the one the recurrence made (`stepGradients`), as is `gx` for a
/// sequence the recurrence made it for.
func projectionBackward(
    gradPre: UnsafePointer<Float>, gates: Int,
    input: SequenceInput, weightIH: Tensor, biasIH: Tensor?,
    states: UnsafePointer<Float>?, weightHH: Tensor?, biasHH: Tensor?, columnSums: UnsafeMutablePointer<Float>? = nil,
    stepGradients: StepGradients
) {
    let rows = input.steps * input.batch, blocks = recurrentRowBlocks(input.batch)
    if let weightHH, let states, weightHH.requiresGrad {
        let width = weightHH.shape[1]
        gemmOverRowBlocks(m: gates, n: width, steps: input.steps, batch: input.batch, blocks: blocks,
                          a: gradPre, lda: gates, b: states, ldb: width, c: weightHH.gradientBuffer(), ldc: width)
    }
    let x = input.tensor, inputs = input.features
    var gradInput = gradPre, inputRows = rows
    precondition((input.tokens != nil) == (stepGradients.table != nil), "the recurrence makes the table's gradient from tokens")
    let tableGradient = stepGradients.table?.sum()
    if let tableGradient {
        inputRows = x.shape[0]
        gradInput = UnsafePointer(tableGradient.pointer)
    }
    // Both biases receive the same column sums: computed once (by the weight gradient's product
    // over the sequence's rows, which reads them anyway, or apart).
    let biases = [biasIH, biasHH].compactMap { $0 }.filter(\.requiresGrad)
    let sums = !biases.isEmpty || columnSums != nil ? Buffer(count: gates) : nil
    var summed = false
    if weightIH.requiresGrad {
        if tableGradient != nil {
            gemm(transposeA: true, transposeB: false, m: gates, n: inputs, k: inputRows,
                 a: gradInput, lda: gates, b: x.data, ldb: inputs, beta: 1, c: weightIH.gradientBuffer(), ldc: inputs)
        } else {
            gemmOverRowBlocks(m: gates, n: inputs, steps: input.steps, batch: input.batch, blocks: blocks,
                              a: gradInput, lda: gates, b: x.data, ldb: inputs, c: weightIH.gradientBuffer(), ldc: inputs,
                              columnSums: sums?.pointer)
            summed = true
        }
    }
    if let sums {
        if !summed { addColumnSums(gradInput, rows: inputRows, columns: gates, into: sums.pointer) }
        for bias in biases { accumulate(sums.pointer, into: bias.gradientBuffer(), count: gates) }
        if let columnSums { accumulate(sums.pointer, into: columnSums, count: gates) }
    }
    if x.requiresGrad && stepGradients.input == nil {
        gemm(transposeA: false, transposeB: false, m: inputRows, n: inputs, k: gates,
             a: gradInput, lda: gates, b: weightIH.data, ldb: inputs, beta: 1, c: x.gradientBuffer(), ldc: inputs)
    }
    withExtendedLifetime(tableGradient) {}
}

/// Adds `count` floats of a gradient into a tensor's gradient, if it requires one.
func addGradient(_ g: UnsafePointer<Float>, to t: Tensor?) {
    guard let t, t.requiresGrad else { return }
    accumulate(g, into: t.gradientBuffer(), count: t.count)
}

/// Each row's sequence reversed within its own length: `y[s, b] = x[len_b - 1 - s, b]` for
/// `s < len_b`, 0 beyond (the backward direction of a bidirectional layer reads its input this
/// way and its output is turned back the same way). Without lengths, a plain time reversal.
public func reversePadded(_ x: Tensor, lengths: [Int]?) -> Tensor {
    let (steps, batch, features) = sequenceShape(x, "reversePadded")
    let mask = SequenceMask(lengths: lengths, steps: steps, batch: batch)
    let out = Tensor.output(x.shape)
    func source(_ s: Int, _ b: Int) -> Int? {
        let length = mask.lengths?[b] ?? steps
        return s < length ? length - 1 - s : nil
    }
    for s in 0..<steps {
        for b in 0..<batch {
            guard let t = source(s, b) else { continue }
            (out.data + (s * batch + b) * features).update(from: x.data + (t * batch + b) * features, count: features)
        }
    }
    out.record([x]) { out in
        let gx = x.gradientBuffer()
        for s in 0..<steps {
            for b in 0..<batch {
                guard let t = source(s, b) else { continue }
                accumulate(out.grad! + (s * batch + b) * features, into: gx + (t * batch + b) * features, count: features)
            }
        }
    }
    return out
}
