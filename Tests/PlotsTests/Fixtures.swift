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

extension Fixtures {
    /// A results table: validation MSE by learning rate and activation, one run missing.
    static let mse = Heatmap(
        title: "Validation MSE", rowTitle: "lr", columnTitle: "activation",
        rowLabels: ["0.001", "0.01", "0.1", "1"], columnLabels: ["relu", "tanh", "sigmoid"],
        values: [[0.0123, 0.0201, 0.0452], [0.0041, 0.0067, 0.0189],
                 [0.0008, 0.0021, 0.0098], [.nan, 0.41, 0.252]],
        scale: .log)

    static let confusion = Heatmap.confusionMatrix(
        [[50, 2, 0], [3, 41, 6], [0, 9, 39]], labels: ["cat", "dog", "bird"])
}

extension Fixtures {
    /// A 12×12 ring (a "0") with soft edges, values 0…255 like raw MNIST bytes.
    static let ring: [Double] = (0..<144).map { i in
        let x = Double(i % 12) - 5.5, y = Double(i / 12) - 5.5
        let distance = (x * x + y * y).squareRoot()
        return max(0, 255 * (1 - abs(distance - 4) / 1.5))
    }
    /// A 12×12 "7": a top bar and a diagonal, values 0…1.
    static let seven: [Double] = (0..<144).map { i in
        let x = i % 12, y = i / 12
        if y >= 2 && y <= 3 && x >= 2 && x <= 9 { return 1 }
        return y >= 3 && y <= 10 && abs(x - (9 - (y - 3) / 2)) <= 1 ? 0.8 : 0
    }

    static let digits = ImageGrid(title: "misread digits", images: [
        ImageGrid.Image(pixels: ring, width: 12, height: 12, caption: "0 → 6"),
        ImageGrid.Image(pixels: seven, width: 12, height: 12, caption: "7 → 1"),
        ImageGrid.Image(pixels: ring, width: 12, height: 12, caption: "a long caption"),
    ])
}
