import Dispatch
import Foundation

/// One measured figure, printed as a table row or a JSON line
/// `{"benchmark": ..., "metric": ..., "value": ..., "unit": ...}`.
struct Measurement {
    let benchmark: String
    let metric: String
    let value: Double
    let unit: String

    var json: String {
        let v = value.isFinite ? String(format: "%.4g", value) : "null"
        return "{\"benchmark\": \"\(benchmark)\", \"metric\": \"\(metric)\", \"value\": \(v), \"unit\": \"\(unit)\"}"
    }
}

/// Collects measurements and prints them as they come (table or JSON lines).
final class Report {
    let json: Bool
    private(set) var measurements: [Measurement] = []

    init(json: Bool) { self.json = json }

    func add(_ benchmark: String, _ metric: String, _ value: Double, _ unit: String) {
        let m = Measurement(benchmark: benchmark, metric: metric, value: value, unit: unit)
        measurements.append(m)
        if json {
            print(m.json)
        } else {
            let name = benchmark.padding(toLength: 34, withPad: " ", startingAt: 0)
            let metricName = metric.padding(toLength: 26, withPad: " ", startingAt: 0)
            print("\(name) \(metricName) \(String(format: "%10.2f", value)) \(unit)")
        }
        flushStandardOutput()
    }

    func value(_ benchmark: String, _ metric: String) -> Double? {
        measurements.first { $0.benchmark == benchmark && $0.metric == metric }?.value
    }
}

/// Seconds per call of `body`: one warm-up call, then repeats until `minimumTime` has passed
/// (at least `minimumRuns`); the best of three such rounds' means is returned.
func secondsPerCall(minimumTime: Double = 0.3, minimumRuns: Int = 2, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    for _ in 0..<3 {
        var runs = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            body()
            runs += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minimumTime / 3 || runs < minimumRuns
        best = min(best, elapsed / Double(runs))
    }
    return best
}

/// Flushes standard output so progress shows while later benchmarks run.
func flushStandardOutput() {
    fflush(nil)   // flushes every output stream, standard output included
}
