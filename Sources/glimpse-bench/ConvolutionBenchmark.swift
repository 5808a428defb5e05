import Autograd
import Kernels

/// The reference encoder's four convolutions (DESIGN.md) at batch 32 and image side 64:
/// forward + backward GFLOP/s, counting `2 * B * O * P * K` flops for the forward and as much
/// again for each gradient computed (weight, and input except for the first layer, whose input is
/// the image); once through the kernels with reused workspaces
/// and once through the autograd op (allocating, as a training step does today). The ratio of the
/// whole encoder's rate to the best 2-thread sgemm rate of the same run is the figure of merit.
func benchmarkEncoderConvolutions(_ report: Report, batch: Int = 32, side: Int = 64) {
    let layers = [(3, 32, side), (32, 64, side / 2), (64, 128, side / 4), (128, 128, side / 8)]
    var totalFlops = 0.0, totalSeconds = 0.0, totalAutogradSeconds = 0.0
    for (index, (input, output, size)) in layers.enumerated() {
        let g = ConvolutionGeometry(batch: batch, channels: input, height: size, width: size,
                                    kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
        var generator = SplitMix(seed: UInt64(index))
        let x = (0..<(batch * input * size * size)).map { _ in generator.nextFloat() }
        let w = (0..<(output * g.patchSize)).map { _ in generator.nextFloat() }
        var y = [Float](repeating: 0, count: batch * output * g.outputPlane)
        let gy = y.map { _ in generator.nextFloat() }
        var workspace = [Float](repeating: 0, count: ConvolutionWorkspace.count(g, outputChannels: output, workers: kernelWorkers))
        var gx = x, gw = w
        // The first layer's input is the image: training computes no gradient for it.
        let needInputGradient = index > 0
        let flops = (needInputGradient ? 3 : 2) * 2 * Double(batch * output * g.outputPlane * g.patchSize)
        let seconds = secondsPerCall(minimumTime: 0.5) {
            conv2dForward(x: x, weight: w, bias: nil, outputChannels: output, g, workspace: &workspace, y: &y)
            if needInputGradient {
                conv2dBackward(gradY: gy, x: x, weight: w, outputChannels: output, g, workspace: &workspace,
                               gradX: &gx, gradWeight: &gw, gradBias: nil)
            } else {
                conv2dBackward(gradY: gy, x: x, weight: w, outputChannels: output, g, workspace: &workspace,
                               gradX: nil, gradWeight: &gw, gradBias: nil)
            }
        }
        let name = "conv\(index + 1)_\(input)to\(output)_\(size)px_b\(batch)"
        report.add(name, "fwd_bwd_gflops", flops / seconds / 1e9, "GFLOP/s")

        let xt = Tensor(shape: [batch, input, size, size], values: x, requiresGrad: needInputGradient)
        let wt = Tensor(shape: [output, input, 3, 3], values: w, requiresGrad: true)
        let autogradSeconds = secondsPerCall(minimumTime: 0.5) {
            let out = conv2d(xt, weight: wt, padding: 1)
            out.backward(gradient: gy)
        }
        report.add(name, "autograd_fwd_bwd_gflops", flops / autogradSeconds / 1e9, "GFLOP/s")
        totalFlops += flops; totalSeconds += seconds; totalAutogradSeconds += autogradSeconds
    }
    let encoderRate = totalFlops / totalSeconds / 1e9
    report.add("encoder_convs_b\(batch)_\(side)px", "fwd_bwd_gflops", encoderRate, "GFLOP/s")
    report.add("encoder_convs_b\(batch)_\(side)px", "autograd_fwd_bwd_gflops", totalFlops / totalAutogradSeconds / 1e9, "GFLOP/s")
    let sgemmPeak = [256, 512, 1024, 2048].compactMap { report.value("sgemm_\($0)", "gflops_2_threads") }.max()
    if let sgemmPeak {
        report.add("encoder_convs_b\(batch)_\(side)px", "ratio_to_sgemm_peak", encoderRate / sgemmPeak, "x")
    }
}
