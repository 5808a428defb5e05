import Kernels

/// 2-D convolution (cross-correlation, as PyTorch): `x [B, C, H, W]`, `weight [O, C, kh, kw]`,
/// `bias [O]` or nil; output `[B, O, OH, OW]` with `OH = (H + 2 padding - kh) / stride + 1`.
/// `y[b, o] = bias[o] + sum_c weight[o, c] ⋆ x[b, c]`. im2col + sgemm per image, the batch split over the cores;
/// 3 x 3 convolutions with padding 1 on suitable sizes through Winograd F(2x2, 3x3) (`usesWinograd`).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
    precondition(x.rank == 4, "conv2d takes input [B, C, H, W], not \(x.shape)")
    precondition(weight.rank == 4, "conv2d takes weight [O, C, kh, kw], not \(weight.shape)")
    precondition(weight.shape[1] == x.shape[1], "conv2d: input has \(x.shape[1]) channels, weight expects \(weight.shape[1])")
    precondition(stride >= 1 && padding >= 0, "conv2d: stride must be >= 1 and padding >= 0")
    let o = weight.shape[0]
    if let bias { precondition(bias.shape == [o], "conv2d: bias must be [\(o)], not \(bias.shape)") }
    let g = ConvolutionGeometry(batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                                kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride, padding: padding)
    precondition(g.outputHeight > 0 && g.outputWidth > 0, "conv2d: a \(weight.shape[2])x\(weight.shape[3]) kernel does not fit input \(x.shape) with padding \(padding)")
    let out = Tensor.uninitializedOutput([g.batch, o, g.outputHeight, g.outputWidth])
    let workspace = Buffer(uninitializedCount: ConvolutionWorkspace.count(g, outputChannels: o, workers: kernelWorkers))
    let winograd = usesWinograd(g)
    if winograd {
        let u = Buffer(uninitializedCount: winogradWeightCount(outputChannels: o, channels: g.channels))
        winogradTransformWeights(weight.data, outputChannels: o, channels: g.channels, into: u.pointer)
        let scratch = Buffer(uninitializedCount: winogradBatchWorkspaceCount(channels: g.channels, outputChannels: o, height: g.height, width: g.width))
        conv3x3WinogradBatch(x: x.data, batch: g.batch, channels: g.channels, height: g.height, width: g.width, transformedWeights: u.pointer,
                             outputChannels: o, accumulate: false, workspace: scratch.pointer, y: out.data)
        if let bias { addChannelBias(bias.data, to: out.data, batch: g.batch, channels: o, plane: g.outputPlane) }
    } else {
        conv2dForward(x: x.data, weight: weight.data, bias: bias?.data, outputChannels: o, g,
                      workspace: workspace.pointer, y: out.data)
    }
    var inputs = [x, weight]
    if let bias { inputs.append(bias) }
    out.record(inputs) { out in
        // With Winograd, the input gradient is the Winograd convolution of the output gradient
        // with the turned kernels; the weight and bias gradients come from the im2col path.
        let gradX: UnsafeMutablePointer<Float>? = x.requiresGrad ? x.gradientBuffer() : nil
        if winograd, let gradX {
            let u = Buffer(uninitializedCount: winogradWeightCount(outputChannels: g.channels, channels: o))
            winogradTransformWeightsForInputGradient(weight.data, outputChannels: o, channels: g.channels, into: u.pointer)
            let scratch = Buffer(uninitializedCount: winogradBatchWorkspaceCount(channels: o, outputChannels: g.channels, height: g.height, width: g.width))
            conv3x3WinogradBatch(x: out.grad!, batch: g.batch, channels: o, height: g.height, width: g.width, transformedWeights: u.pointer,
                                 outputChannels: g.channels, accumulate: true, workspace: scratch.pointer, y: gradX)
        }
        conv2dBackward(gradY: out.grad!, x: x.data, weight: weight.data, outputChannels: o, g,
                       workspace: workspace.pointer,
                       gradX: winograd ? nil : gradX,
                       gradWeight: weight.requiresGrad ? weight.gradientBuffer() : nil,
                       gradBias: bias.flatMap { $0.requiresGrad ? $0.gradientBuffer() : nil })
    }
    return out
}

/// Whether `conv2d` runs a geometry through Winograd F(2x2, 3x3) (forward and input gradient):
/// 3 x 3 kernels, stride 1, padding 1, an even height, a width that is a multiple of 16, and at
/// least 8 input channels (fewer leave the 16 small products too thin to pay for the transforms).
func usesWinograd(_ g: ConvolutionGeometry) -> Bool {
    g.kernelHeight == 3 && g.kernelWidth == 3 && g.stride == 1 && g.padding == 1 && g.channels >= 8
        && winogradApplies(height: g.height, width: g.width)
}

/// `y[b, c, :] += bias[c]`.
private func addChannelBias(_ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int) {
    for b in 0..<batch {
        for c in 0..<channels {
            let row = y + (b * channels + c) * plane, value = bias[c]
            for p in 0..<plane { row[p] += value }
        }
    }
}

/// Max pooling over `x [B, C, H, W]` with a `kernelSize` square window, `stride` (default: the
/// kernel size) and -inf `padding`. The gradient goes to the first maximum of each window.
public func maxPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    precondition(x.rank == 4, "maxPool2d takes input [B, C, H, W], not \(x.shape)")
    let s = stride ?? kernelSize
    precondition(padding * 2 <= kernelSize, "maxPool2d: padding \(padding) must be at most half the kernel \(kernelSize)")
    let g = ConvolutionGeometry(batch: x.shape[0], channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                                kernelHeight: kernelSize, kernelWidth: kernelSize, stride: s, padding: padding)
    precondition(g.outputHeight > 0 && g.outputWidth > 0, "maxPool2d: window \(kernelSize) does not fit input \(x.shape)")
    let out = Tensor.uninitializedOutput([g.batch, g.channels, g.outputHeight, g.outputWidth])
    let keeper = IndexBuffer(count: out.count)
    maxPool2dForward(x: x.data, g, y: out.data, argmax: keeper.pointer)
    out.record([x]) { out in
        maxPool2dBackward(gradY: out.grad!, argmax: keeper.pointer, g, gradX: x.gradientBuffer())
    }
    return out
}

/// Owns an Int32 allocation kept for a backward pass (recycled through `BlockCache` when large).
final class IndexBuffer {
    let pointer: UnsafeMutablePointer<Int32>
    private let bytes: Int
    init(count: Int) {
        bytes = max(count, 1) * MemoryLayout<Int32>.stride
        pointer = BlockCache.shared.allocate(bytes: bytes).bindMemory(to: Int32.self, capacity: max(count, 1))
    }
    deinit { BlockCache.shared.free(UnsafeMutableRawPointer(pointer), bytes: bytes) }
}
