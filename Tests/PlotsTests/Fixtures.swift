@testable import Plots

/// Fixed charts shared by the snapshot and SVG tests.
enum Fixtures {
    static let trainLoss = [1.0, 0.6, 0.4, 0.3, 0.25, 0.22, 0.2, 0.19]
    static let validationLoss = [1.1, 0.7, 0.5, 0.42, 0.4, 0.4, 0.41, 0.43]

    static let learningCurve = LineChart(
        title: "Learning curve", xLabel: "epoch", yLabel: "loss",
        series: [Series("train", y: trainLoss), Series("validation", y: validationLoss)])

    /// A Runge-like picture: noisy points, a true curve, a prediction.
    static let xs = stride(from: -1.0, through: 1.0, by: 0.1).map { $0 }
    static let truth = xs.map { 1 / (1 + 25 * $0 * $0) }
    static let data = truth.enumerated().map { i, y in y + (i % 2 == 0 ? 0.04 : -0.04) }
    static let prediction = xs.map { 0.9 / (1 + 20 * $0 * $0) + 0.05 }

    static let runge = LineChart(
        title: "Runge", xLabel: "x", yLabel: "y",
        series: [Series("data", x: xs, y: data, style: .points),
                 Series("truth", x: xs, y: truth),
                 Series("prediction", x: xs, y: prediction)])
}
