/// Truncated-BPTT batches over B parallel streams (as char-rnn and Zaremba et al.): the token ids
/// are cut into B equal streams laid side by side; batch k holds steps `[k T, (k + 1) T)` of every
/// stream as inputs and the next token of each as targets. A stream's hidden state carries from
/// one batch to the next, so the model sees each stream as one long text.
public struct StreamBatcher: Sendable {
    public let streams: Int, steps: Int
    /// `[streams][length]` token ids (the text's tail that does not fill a stream is dropped).
    let data: [Int32]
    public let streamLength: Int

    public init(ids: [Int32], streams: Int, steps: Int) {
        precondition(streams >= 1 && steps >= 1, "need at least one stream and one step")
        self.streams = streams; self.steps = steps
        streamLength = ids.count / streams
        data = Array(ids.prefix(streamLength * streams))
    }

    /// Batches per pass over the data.
    public var batchCount: Int { max(0, (streamLength - 1 + steps - 1) / steps) }

    /// Batch `index`: time-major `inputs` and `targets` (`[T * B]`, step-major) and its step count T
    /// (the last batch may be shorter).
    public func batch(_ index: Int) -> (inputs: [Int32], targets: [Int32], steps: Int) {
        let start = index * steps
        let t = min(steps, streamLength - 1 - start)
        precondition(t > 0, "batch \(index) is past the end of the data")
        var inputs = [Int32](repeating: 0, count: t * streams), targets = inputs
        for s in 0..<t {
            for b in 0..<streams {
                inputs[s * streams + b] = data[b * streamLength + start + s]
                targets[s * streams + b] = data[b * streamLength + start + s + 1]
            }
        }
        return (inputs, targets, t)
    }
}
