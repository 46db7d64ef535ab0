import Data
import Engine
import Plots

/// The chart of `plot net data` and `eval net data to="fit.svg"`: the data as dots, and the true
/// function (when known) and the network as curves on a dense grid over the data's x range, so
/// a curve between the data's x values is the function's, not a straight line between two
/// samples (a 4-point Runge split drew f(0) = 1 as 0.16).
enum FitChart {
    /// Points of each curve.
    static let gridSize = 241

    static func make(_ n: NetworkObject, _ d: DatasetObject) throws(CommandError) -> LineChart {
        let data = d.dataset
        guard data.targetWidth == 1, !data.isClassification else {
            throw CommandError("plot net data needs regression data with one target", parameter: "with")
        }
        let xs: [Double]
        if let raw = data.rawInput { xs = raw }
        else if data.inputWidth == 1 { xs = (0..<data.count).map { data.feature($0, 0) } }
        else { throw CommandError("plot net data needs data with one input (or a runge set)", parameter: "with") }
        let order = xs.indices.sorted { xs[$0] < xs[$1] }
        let x = order.map { xs[$0] }
        let targets = data.targetMatrix(Double.self)
        var series = [Series("data", x: x, y: order.map { targets.storage[$0] }, style: .points)]
        guard let low = x.first, let high = x.last, low < high, low.isFinite, high.isFinite else {
            // One x value (or none): nothing between points to draw.
            return try throughTheData(n, data, x: x, order: order, series: series)
        }
        let grid = (0..<gridSize).map { low + (high - low) * Double($0) / Double(gridSize - 1) }
        if let truth = data.trueTargets {
            if isRunge(truth.storage, xs) {
                series.append(Series("true f(x)", x: grid, y: grid.map(Runge.f)))
            } else {
                series.append(Series("true f(x)", x: x, y: order.map { truth.storage[$0] }))
            }
        }
        guard let features = featureMap(data, xs) else {
            return try throughTheData(n, data, x: x, order: order, series: series)
        }
        let inputs = Matrix<Double>(rows: grid.count, columns: data.inputWidth, storage: grid.flatMap(features))
        let predictions: Matrix<Double>
        do { predictions = try n.network.predict(inputs) } catch { throw CommandError(error, parameter: "with") }
        series.append(Series("network", x: grid, y: predictions.storage))
        return LineChart(title: "Fit", xLabel: "x", yLabel: "y", series: series)
    }

    /// The network's predictions at the data's own x values, joined by lines: when the features
    /// cannot be made from x (see `featureMap`).
    private static func throughTheData(_ n: NetworkObject, _ data: Dataset, x: [Double], order: [Int],
                                       series: [Series]) throws(CommandError) -> LineChart {
        var series = series
        if let truth = data.trueTargets, !series.contains(where: { $0.name == "true f(x)" }) {
            series.append(Series("true f(x)", x: x, y: order.map { truth.storage[$0] }))
        }
        let predictions: Matrix<Double>
        do { predictions = try n.network.predict(data) } catch { throw CommandError(error, parameter: "with") }
        series.append(Series("network", x: x, y: order.map { predictions.storage[$0] }))
        return LineChart(title: "Fit", xLabel: "x", yLabel: "y", series: series)
    }

    /// The noiseless targets are Runge's f of the raw x (a `runge` set, or a part of one).
    static func isRunge(_ truth: [Double], _ xs: [Double]) -> Bool {
        truth.count == xs.count && zip(truth, xs).allSatisfy { abs($0 - Runge.f($1)) <= 1e-9 * max(1, abs($0)) }
    }

    /// How the data's features are made from x, found in the data itself: feature column j must
    /// be a·x^(j+1) + b for all examples (x itself, `poly`'s powers, either standardized). Nil
    /// when some column is not, and the network can only be drawn at the data's x values.
    static func featureMap(_ data: Dataset, _ xs: [Double]) -> ((Double) -> [Double])? {
        var coefficients: [(a: Double, b: Double)] = []
        for j in 0..<data.inputWidth {
            let p = xs.map { power($0, j + 1) }
            var v = [Double](repeating: 0, count: data.count)
            for i in 0..<data.count { v[i] = data.feature(i, j) }
            let n = Double(p.count)
            let meanP: Double = p.reduce(0, +) / n
            let meanV: Double = v.reduce(0, +) / n
            var spread = 0.0, covariance = 0.0, scale = 1.0
            for i in p.indices {
                spread += (p[i] - meanP) * (p[i] - meanP)
                covariance += (p[i] - meanP) * (v[i] - meanV)
                scale = max(scale, abs(v[i]) + 1)
            }
            guard spread > 0, spread.isFinite else { return nil }
            let a = covariance / spread, b = meanV - a * meanP
            guard a.isFinite, b.isFinite else { return nil }
            for i in p.indices where abs(a * p[i] + b - v[i]) > 1e-4 * scale { return nil }
            coefficients.append((a, b))
        }
        return { x in coefficients.enumerated().map { j, c in c.a * power(x, j + 1) + c.b } }
    }

    /// x^k by repeated multiplication, as `poly` makes its features.
    private static func power(_ x: Double, _ k: Int) -> Double {
        var result = 1.0
        for _ in 0..<k { result *= x }
        return result
    }
}
