import Captioning
import Foundation
import NN

/// The reference captioner (D = E = A = 128, H = 256, vocabulary 1000): training images/s at batch 32
/// with 16 decoding steps at image side 64 and 128; greedy and beam-3 captioning of one 128 px image,
/// 20 steps without early stop, encoder included; peak resident memory.
func benchmarkCaptioner(_ report: Report, group: String) {
    let vocabulary = 1000, batch = 32, steps = 16
    if group == "all" || group == "train" {
        for side in [64, 128] {
            var c = CaptionerConfiguration(vocabularySize: vocabulary)
            c.imageSize = side
            let model = Captioner(c, seed: 0)
            let store = model.makeParameterStore()
            let encoder = Adam(ParameterRange(store: store, range: store.range(prefix: "encoder.")!), learningRate: 1e-3)
            let decoder = Adam(ParameterRange(store: store, range: store.range(prefix: "decoder.")!), learningRate: 1e-3)
            var g = SeededGenerator(seed: 1)
            let images = Tensor.normal([batch, 3, side, side], generator: &g)
            var captions: [Int32] = []
            for _ in 0..<batch { captions += [1] + (0..<(steps - 1)).map { _ in Int32(4 + g.next() % UInt64(vocabulary - 4)) } + [2] }
            let lengths = [Int](repeating: steps + 1, count: batch)
            model.train()
            let seconds = secondsPerCall(minimumTime: 4) {
                store.zeroGradients()
                let (logits, alphas) = model.teacherForced(features: model.encoder(images), captions: captions, lengths: lengths)
                let loss = captioningLoss(logits: logits, alphas: alphas, captions: captions, lengths: lengths, alphaC: 1)
                loss.total.backward()
                clipGradientNorm(ParameterRange(store: store), maxNorm: 5)
                encoder.step(); decoder.step()
            }
            report.add("captioner_train_b32_t16_v1000_\(side)px", "images_per_second", Double(batch) / seconds, "images/s")
        }
        report.add("captioner_train_process", "peak_rss_mb", peakResidentMegabytes(), "MB")
    }
    if group == "all" || group == "decode" {
        var c = CaptionerConfiguration(vocabularySize: vocabulary)
        c.imageSize = 128
        let model = Captioner(c, seed: 0)
        model.eval()
        var g = SeededGenerator(seed: 2)
        let image = Tensor.normal([1, 3, 128, 128], generator: &g)
        // An end token that never comes, so every run decodes exactly 20 steps.
        let decoderRun = CaptionDecoder(model: model, startToken: 1, endToken: -1)
        let encode = secondsPerCall(minimumTime: 1) { _ = withoutGradient { model.encoder(image) } }
        report.add("captioner_encoder_1_image_128px", "milliseconds", encode * 1e3, "ms")
        let features = withoutGradient { model.encoder(image) }
        let stepper = AttentionDecoderStepper(decoder: model.decoder)
        for rows in [1, 3] {
            let tokens = [Int32](repeating: 5, count: rows)
            let twenty = secondsPerCall(minimumTime: 1) {
                stepper.begin(features: features.data, images: 1, locations: features.shape[1])
                if rows > 1 { stepper.keepRows([Int](repeating: 0, count: rows)) }
                for _ in 0..<20 { stepper.step(tokens: tokens) }
            }
            report.add("captioner_decoder_20_steps_\(rows)_rows", "milliseconds", twenty * 1e3, "ms")
        }
        let greedy = secondsPerCall(minimumTime: 2) {
            let features = withoutGradient { model.encoder(image) }
            _ = decoderRun.greedy(features: features, maximumLength: 20)
        }
        report.add("captioner_greedy_20_steps_128px", "milliseconds", greedy * 1e3, "ms")
        let beam = secondsPerCall(minimumTime: 2) {
            let features = withoutGradient { model.encoder(image) }
            _ = decoderRun.beamSearch(features: features, beamSize: 3, maximumLength: 20)
        }
        report.add("captioner_beam3_20_steps_128px", "milliseconds", beam * 1e3, "ms")
    }
}

/// The process's peak resident memory in MB (`ru_maxrss`).
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
