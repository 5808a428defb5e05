import Foundation
import Kernels

/// `glimpse-bench [--json] [--only NAME] [--cell lstm|gru]`: the project's speed figures, measured in one run.
let arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
    usage: glimpse-bench [--json] [--only cores|sgemm|conv|rnn|rnn-train|rnn-sample|images|captioner|captioner-train|captioner-decode] [--cell lstm|gru]
      --json   one JSON object per line: {"benchmark", "metric", "value", "unit"}
      --only   run one group of benchmarks
      --cell   the recurrent benchmarks of one cell only
    """)
    exit(0)
}
let report = Report(json: arguments.contains("--json"))
/// The argument after `option`, if any.
func value(of option: String) -> String? {
    arguments.firstIndex(of: option).flatMap { i in arguments.index(after: i) < arguments.endIndex ? arguments[arguments.index(after: i)] : nil }
}
let only = value(of: "--only")
let cells = value(of: "--cell").map { [$0] } ?? ["lstm", "gru"]
let wanted = { (group: String) -> Bool in only == nil || only == group }

if wanted("cores") { benchmarkCoreLatency(report) }
if wanted("sgemm") || wanted("conv") { benchmarkSgemm(report) }
if wanted("conv") { benchmarkEncoderConvolutions(report) }
if wanted("rnn") { benchmarkRecurrent(report, cells: cells) }
if only == "rnn-train" { benchmarkRecurrent(report, cells: cells, sample: false) }
if only == "rnn-sample" { benchmarkRecurrent(report, cells: cells, train: false) }
if wanted("images") { benchmarkImages(report) }
if wanted("captioner") { benchmarkCaptioner(report, group: "all") }
if only == "captioner-train" { benchmarkCaptioner(report, group: "train") }
if only == "captioner-decode" { benchmarkCaptioner(report, group: "decode") }
