import Foundation

extension Layer {
    /// Every parameter and buffer as safetensors entries under its PyTorch name (parameters and
    /// float buffers F32, `num_batches_tracked` I64 scalar), loadable by
    /// `module.load_state_dict(strict=True)` after `safetensors.torch.load_file`.
    public func stateDict() -> [String: SafetensorsFile.Entry] {
        var entries: [String: SafetensorsFile.Entry] = [:]
        for (name, tensor) in namedParameters() {
            entries[name] = SafetensorsFile.Entry(floats: tensor.values, shape: tensor.shape)
        }
        for buffer in namedBuffers() {
            switch buffer.dtype {
            case .float32: entries[buffer.name] = SafetensorsFile.Entry(floats: buffer.tensor.values, shape: buffer.tensor.shape)
            case .int64: entries[buffer.name] = SafetensorsFile.Entry(int64s: buffer.tensor.values.map { Int64($0) }, shape: buffer.tensor.shape)
            }
        }
        return entries
    }

    /// Copies values from `entries` into this layer's parameters and buffers. Checks, in order, that
    /// every expected name is present, that (when `strict`) no unexpected name is, and that dtypes and
    /// shapes match; throws a `SafetensorsError` naming the first mismatch (`source` names the file),
    /// and changes nothing unless all checks pass.
    public func loadStateDict(_ entries: [String: SafetensorsFile.Entry], strict: Bool = true, source: String = "<state dict>") throws {
        var targets: [(name: String, tensor: Tensor, dtype: StateDType)] =
            namedParameters().map { ($0.name, $0.tensor, StateDType.float32) }
        targets += namedBuffers().map { ($0.name, $0.tensor, $0.dtype) }
        let expected = Set(targets.map(\.name))
        for target in targets where entries[target.name] == nil {
            throw SafetensorsError(path: source, reason: "missing tensor '\(target.name)'")
        }
        if strict, let extra = entries.keys.sorted().first(where: { !expected.contains($0) }) {
            throw SafetensorsError(path: source, reason: "unexpected tensor '\(extra)' (not part of this model)")
        }
        // Every entry is checked before any tensor changes.
        for target in targets {
            let entry = entries[target.name]!
            guard entry.dtype.rawValue == target.dtype.rawValue else {
                throw SafetensorsError(path: source, reason: "tensor '\(target.name)' is \(entry.dtype.rawValue), expected \(target.dtype.rawValue)")
            }
            guard entry.shape == target.tensor.shape else {
                throw SafetensorsError(path: source, reason: "tensor '\(target.name)' has shape \(entry.shape), expected \(target.tensor.shape)")
            }
        }
        for target in targets { entries[target.name]!.copyFloats(into: target.tensor.data) }
    }

    /// Saves parameters and buffers to a safetensors file, atomically.
    public func saveWeights(to path: String, metadata: [String: String] = [:]) throws {
        try SafetensorsFile(tensors: stateDict(), metadata: metadata).write(to: path)
    }

    /// Loads parameters and buffers from a safetensors file (see `loadStateDict`).
    public func loadWeights(from path: String, strict: Bool = true) throws {
        let file = try SafetensorsFile(contentsOf: path)
        try loadStateDict(file.tensors, strict: strict, source: path)
    }
}
