import Foundation
import Kernels
import NN

/// The encoder in evaluation mode without a graph, for captioning: each BatchNorm is folded into
/// its convolution, `W' = W * s`, `b' = beta - mean * s` with `s = gamma / sqrt(var + eps)` per
/// output channel, and ReLU and max pooling run in the convolution's output pass
/// (`conv2dBiasReluInference`), one image at a time with its rows split over the cores. The 3x3
/// convolutions after the first run as Winograd F(2x2, 3x3) when the feature map's width is a
/// multiple of 16 (`conv3x3WinogradBiasRelu`, 2.25x fewer multiplications); their transformed
/// weights are recomputed only when the folded weights change.
/// The same features as `ImageEncoder` in eval mode, up to float rounding. Scratch memory is kept
/// between calls (reallocated only when the image side changes); calls from several threads take
/// turns.
final class EncoderInference {
    private let lock = NSLock()
    private var side = 0
    private var workspace = Buffer(count: 0), first = Buffer(count: 0), second = Buffer(count: 0)
    private var foldedWeights = Buffer(count: 0), foldedBias = Buffer(count: 0)
    /// The folded weights the Winograd weights were made from, and those weights (layers 2 to 4).
    private var transformedFrom = Buffer(count: 0), transformed: [Buffer] = []

    /// Features `[B, L, D]` of images `[B, 3, S, S]`, the layout `ImageEncoder` returns.
    func encode(_ encoder: ImageEncoder, images: Tensor) -> Tensor {
        lock.lock()
        defer { lock.unlock() }
        let b = images.shape[0], s = images.shape[2], d = encoder.featureSize
        let layers = [(encoder.conv1, encoder.bn1), (encoder.conv2, encoder.bn2), (encoder.conv3, encoder.bn3), (encoder.conv4, encoder.bn4)]
        let geometries = geometries(side: s, channels: layers.map { $0.0.weight.shape[1] })
        prepare(side: s, geometries: geometries, outputs: layers.map { $0.0.weight.shape[0] })
        var weightOffsets: [Int] = [], biasOffsets: [Int] = []
        var weightOffset = 0, biasOffset = 0
        for (conv, bn) in layers {
            weightOffsets.append(weightOffset); biasOffsets.append(biasOffset)
            fold(conv: conv, bn: bn, weight: foldedWeights.pointer + weightOffset, bias: foldedBias.pointer + biasOffset)
            weightOffset += conv.weight.count; biasOffset += conv.weight.shape[0]
        }
        transformIfChanged(layers.map { $0.0 }, weightOffsets: weightOffsets)
        let l = (s / 8) * (s / 8)
        let features = Tensor(zeros: [b, l, d])
        let imageSize = 3 * s * s
        // first: layers 1 and 3's outputs; second: layers 2 and 4's.
        let buffers = [first.pointer, second.pointer, first.pointer, second.pointer]
        for image in 0..<b {
            var input = UnsafePointer(images.data + image * imageSize)
            for (index, (conv, _)) in layers.enumerated() {
                let g = geometries[index], o = conv.weight.shape[0], bias = foldedBias.pointer + biasOffsets[index]
                if index > 0 && winogradApplies(height: g.height, width: g.width) {
                    conv3x3WinogradBiasRelu(x: input, channels: g.channels, height: g.height, width: g.width,
                                            transformedWeights: transformed[index - 1].pointer, bias: bias, outputChannels: o,
                                            pool: index < 3, workspace: workspace.pointer, y: buffers[index])
                } else {
                    conv2dBiasReluInference(x: input, weight: foldedWeights.pointer + weightOffsets[index], bias: bias,
                                            outputChannels: o, g, pool: index < 3, workspace: workspace.pointer, y: buffers[index])
                }
                input = UnsafePointer(buffers[index])
            }
            // [D, L] -> [L, D]
            permuteCopy(x: input, shape: [d, l], permutation: [1, 0], y: features.data + image * l * d)
        }
        return features
    }

    private func geometries(side s: Int, channels: [Int]) -> [ConvolutionGeometry] {
        let sides = [s, s / 2, s / 4, s / 8]
        return (0..<4).map {
            ConvolutionGeometry(batch: 1, channels: channels[$0], height: sides[$0], width: sides[$0],
                                kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
        }
    }

    private func prepare(side s: Int, geometries: [ConvolutionGeometry], outputs: [Int]) {
        let weightCount = zip(geometries, outputs).map { $0.patchSize * $1 }.reduce(0, +)
        if foldedWeights.count != weightCount { foldedWeights = Buffer(uninitializedCount: weightCount) }
        if foldedBias.count != outputs.reduce(0, +) { foldedBias = Buffer(uninitializedCount: outputs.reduce(0, +)) }
        guard s != side else { return }
        side = s
        let planes = [s * s / 4, s * s / 16, s * s / 64, s * s / 64]
        first = Buffer(uninitializedCount: max(outputs[0] * planes[0], outputs[2] * planes[2]))
        second = Buffer(uninitializedCount: max(outputs[1] * planes[1], outputs[3] * planes[3]))
        let scratch = zip(geometries, outputs).map {
            max(inferenceConvolutionWorkspaceCount($0, outputChannels: $1, workers: kernelWorkers),
                winogradWorkspaceCount(channels: $0.channels, outputChannels: $1, height: $0.height, width: $0.width))
        }.max()!
        workspace = Buffer(uninitializedCount: scratch)
    }

    /// Recomputes the Winograd weights of layers 2 to 4 when the folded weights differ from those
    /// they were made from (a new model, or training in between).
    private func transformIfChanged(_ convs: [Conv2D], weightOffsets: [Int]) {
        let count = foldedWeights.count
        if transformedFrom.count == count && memcmp(transformedFrom.pointer, foldedWeights.pointer, count * MemoryLayout<Float>.stride) == 0 { return }
        transformed = convs.dropFirst().enumerated().map { offset, conv in
            let o = conv.weight.shape[0], c = conv.weight.shape[1]
            let u = Buffer(uninitializedCount: winogradWeightCount(outputChannels: o, channels: c))
            winogradTransformWeights(foldedWeights.pointer + weightOffsets[offset + 1], outputChannels: o, channels: c, into: u.pointer)
            return u
        }
        transformedFrom = Buffer(uninitializedCount: count)
        transformedFrom.pointer.update(from: foldedWeights.pointer, count: count)
    }

    /// `weight = W * s`, `bias = beta - mean * s`, `s = gamma / sqrt(var + eps)` per output channel.
    private func fold(conv: Conv2D, bn: BatchNorm2D, weight: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>) {
        let o = conv.weight.shape[0], k = conv.weight.count / o
        for channel in 0..<o {
            let scale = bn.weight.data[channel] / (bn.runningVariance.data[channel] + bn.eps).squareRoot()
            bias[channel] = bn.bias.data[channel] - bn.runningMean.data[channel] * scale + (conv.bias?.data[channel] ?? 0) * scale
            let source = conv.weight.data + channel * k, target = weight + channel * k
            for i in 0..<k { target[i] = source[i] * scale }
        }
    }
}
