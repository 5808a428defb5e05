import Foundation

/// A small SVG line chart (training curves): one or more named series of (x, y) points on shared
/// axes, with ticks and a legend. Written whole or not at all.
public struct LinePlot {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) { self.name = name; self.points = points }
    }

    public var title: String, xLabel: String, yLabel: String
    public var series: [Series]

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    /// The chart as SVG text (640 x 400).
    public func svg() -> String {
        let width = 640.0, height = 400.0, left = 60.0, right = 20.0, top = 40.0, bottom = 50.0
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = all.map(\.x), ys = all.map(\.y)
        var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1, y0 = ys.min() ?? 0, y1 = ys.max() ?? 1
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y1 = y0 + 1; y0 -= 1 }
        let pad = (y1 - y0) * 0.05
        y0 -= pad; y1 += pad
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * (width - left - right) }
        func py(_ y: Double) -> Double { height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom) }
        let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"]
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(width / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>\n"
        out += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        for i in 0...4 {
            let fx = x0 + (x1 - x0) * Double(i) / 4, fy = y0 + (y1 - y0) * Double(i) / 4
            out += "<text x=\"\(px(fx))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(format(fx))</text>\n"
            out += "<text x=\"\(left - 6)\" y=\"\(py(fy) + 4)\" text-anchor=\"end\">\(format(fy))</text>\n"
            out += "<line x1=\"\(left)\" y1=\"\(py(fy))\" x2=\"\(width - right)\" y2=\"\(py(fy))\" stroke=\"#ddd\"/>\n"
        }
        out += "<text x=\"\(width / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out += "<text x=\"16\" y=\"\(height / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(height / 2))\">\(escape(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let colour = colours[i % colours.count]
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
            if !points.isEmpty {
                out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            }
            out += "<text x=\"\(width - right - 4)\" y=\"\(top + 14 * Double(i + 1))\" text-anchor=\"end\" fill=\"\(colour)\">\(escape(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// Writes the SVG to `path` atomically.
    public func write(to path: String) throws(FileWriteError) {
        try AtomicFile.write(bytes: Array(svg().utf8), to: path)
    }

    private func format(_ v: Double) -> String {
        abs(v) >= 1000 ? String(format: "%.0f", v) : abs(v) >= 10 ? String(format: "%.1f", v) : String(format: "%.3g", v)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
