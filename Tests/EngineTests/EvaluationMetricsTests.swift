import Foundation
import Engine
import EngineTestSupport
import Testing

/// Metrics on hand-made cases, each worked out by hand in the comment above it.
@Suite struct ConfusionMatrixTests {
    /// rows true, columns predicted:       class 0: TP 3, examples 4, predicted 4 → P 3/4, R 3/4, F1 3/4
    ///   [[3, 1, 0],                       class 1: TP 2, examples 3, predicted 5 → P 2/5, R 2/3,
    ///    [1, 2, 0],                                F1 = 2·(2/5)(2/3) / (2/5 + 2/3) = 1/2
    ///    [0, 2, 0]]                       class 2: never predicted → P 0/0 = 0, R 0/2 = 0, F1 0
    /// macro: P (3/4 + 2/5 + 0)/3, R (3/4 + 2/3 + 0)/3, F1 (3/4 + 1/2 + 0)/3; accuracy 5/9.
    @Test func precisionRecallF1ByHandWithAClassNeverPredicted() {
        var m = ConfusionMatrix(classes: 3)
        m.counts = [[3, 1, 0], [1, 2, 0], [0, 2, 0]]
        #expect(m.total == 9 && m.correct == 5)
        #expect(isClose(m.accuracy, 5.0 / 9))
        let s0 = m.scores(0), s1 = m.scores(1), s2 = m.scores(2)
        #expect(isClose(s0.precision, 0.75) && isClose(s0.recall, 0.75) && isClose(s0.f1, 0.75))
        #expect(isClose(s1.precision, 0.4) && isClose(s1.recall, 2.0 / 3) && isClose(s1.f1, 0.5))
        #expect(s2.precision == 0 && s2.recall == 0 && s2.f1 == 0)
        #expect(s2.examples == 2 && s2.predicted == 0)
        #expect(m.precision(2) == nil, "0/0 is reported as missing by precision(_:)")
        #expect(m.recall(2) == 0)
        #expect(isClose(m.macro.precision, (0.75 + 0.4) / 3))
        #expect(isClose(m.macro.recall, (0.75 + 2.0 / 3) / 3))
        #expect(isClose(m.macro.f1, (0.75 + 0.5) / 3))
    }

    /// A class with no examples and no predictions is left out of the macro averages:
    /// [[2, 1, 0], [1, 2, 0], [0, 0, 0]] averages classes 0 and 1 only (each P = R = F1 = 2/3).
    @Test func anEmptyClassIsLeftOutOfMacroAverages() {
        var m = ConfusionMatrix(classes: 3)
        m.counts = [[2, 1, 0], [1, 2, 0], [0, 0, 0]]
        #expect(isClose(m.macro.precision, 2.0 / 3))
        #expect(isClose(m.macro.recall, 2.0 / 3))
        #expect(isClose(m.macro.f1, 2.0 / 3))
        #expect(m.scores(2) == ClassScores(precision: 0, recall: 0, f1: 0, examples: 0, predicted: 0))
    }

    /// A class with no examples that was predicted once counts, with recall 0/0 = 0 and precision
    /// 0/1: [[1, 1], [0, 0]] → class 0: P 1, R 1/2, F1 2/3; class 1: 0, 0, 0; macro F1 1/3.
    @Test func aPredictedClassWithoutExamplesCountsAsZero() {
        var m = ConfusionMatrix(classes: 2)
        m.counts = [[1, 1], [0, 0]]
        #expect(m.recall(1) == nil)
        #expect(m.precision(1) == 0)
        #expect(isClose(m.scores(0).f1, 2.0 / 3))
        #expect(isClose(m.macro.f1, 1.0 / 3))
        #expect(isClose(m.macro.recall, 0.25))
    }

    @Test func builtFromLabelsAndPredictionsSkippingUnknownClasses() {
        let m = ConfusionMatrix(labels: [0, 1, 1, 2, 5, 0], predicted: [0, 1, 0, 0, 1, -1], classes: 3)
        #expect(m.counts == [[1, 0, 0], [1, 1, 0], [1, 0, 0]])
        #expect(isClose(m.scores(0).precision, 1.0 / 3))
        #expect(isClose(m.scores(0).f1, 0.5))
    }

    @Test func noExamplesGivesZeroesNotNaN() {
        let m = ConfusionMatrix(classes: 2)
        #expect(m.accuracy == 0)
        #expect(m.macro.f1 == 0 && m.macro.precision == 0)
    }
}

@Suite struct TopKTests {
    /// Scores (0.1, 0.5, 0.3, 0.1), true class 2: class 1 is ahead, so top-1 misses, top-2 hits.
    @Test func trueClassRank() {
        let s = [0.1, 0.5, 0.3, 0.1]
        #expect(!TopK.contains(label: 2, scores: s, k: 1))
        #expect(TopK.contains(label: 2, scores: s, k: 2))
        #expect(TopK.contains(label: 1, scores: s, k: 1))
        // Class 3 ties with class 0, which comes first: rank 4.
        #expect(!TopK.contains(label: 3, scores: s, k: 3))
        #expect(TopK.contains(label: 3, scores: s, k: 4))
        #expect(TopK.contains(label: 0, scores: s, k: 3))
    }

    /// Ties are broken by class number, lowest first (as argmax picks the first maximum):
    /// (0.4, 0.4, 0.2): class 0 is top-1, class 1 only top-2.
    @Test func tiesGoToTheLowerClassNumber() {
        let s = [0.4, 0.4, 0.2]
        #expect(TopK.contains(label: 0, scores: s, k: 1))
        #expect(!TopK.contains(label: 1, scores: s, k: 1))
        #expect(TopK.contains(label: 1, scores: s, k: 2))
    }

    /// NaN ranks below every number: (NaN, 0.2, 0.1) ranks 1, 2, 0.
    @Test func nanRanksLast() {
        let s = [Double.nan, 0.2, 0.1]
        #expect(!TopK.contains(label: 0, scores: s, k: 2))
        #expect(TopK.contains(label: 0, scores: s, k: 3))
        #expect(TopK.contains(label: 2, scores: s, k: 2))
        #expect(TopK.contains(label: 1, scores: s, k: 1))
    }

    @Test func outOfRangeAsksNeverHit() {
        #expect(!TopK.contains(label: 0, scores: [1, 0], k: 0))
        #expect(!TopK.contains(label: 2, scores: [1, 0], k: 5))
        #expect(TopK.contains(label: 1, scores: [1, 0], k: 5))
    }
}

@Suite struct RegressionScoresTests {
    /// ŷ = (1, 2, 3, 4), y = (1, 2, 3, 5): residuals (0, 0, 0, −1): MSE 1/4, MAE 1/4;
    /// ȳ = 2.75, SS_tot = 8.75, R² = 1 − 1/8.75.
    @Test func knownVector() throws {
        let s = try RegressionScores(predictions: [1, 2, 3, 4], targets: [1, 2, 3, 5])
        #expect(s.count == 4)
        #expect(isClose(s.meanSquaredError, 0.25))
        #expect(isClose(s.meanAbsoluteError, 0.25))
        #expect(isClose(s.rSquared, 1 - 1 / 8.75))
        #expect(isClose(s.log10MSE, log10(0.25)))
    }

    /// Predicting the mean scores R² = 0; residuals (1, 0, −1): MSE 2/3, MAE 2/3.
    @Test func predictingTheMeanScoresZero() throws {
        let s = try RegressionScores(predictions: [2, 2, 2], targets: [1, 2, 3])
        #expect(isClose(s.rSquared, 0))
        #expect(isClose(s.meanSquaredError, 2.0 / 3))
        #expect(isClose(s.meanAbsoluteError, 2.0 / 3))
    }

    /// MAE weighs errors linearly: residuals (3, −1) give MAE 2 but MSE 5.
    @Test func maeDiffersFromMSE() throws {
        let s = try RegressionScores(predictions: [3, 0], targets: [0, 1])
        #expect(isClose(s.meanAbsoluteError, 2))
        #expect(isClose(s.meanSquaredError, 5))
    }

    /// Two columns: R² is the mean of the columns' R² (1 and 0 here).
    @Test func columnsAreAveraged() throws {
        let s = try RegressionScores(predictions: [1, 2, 2, 2, 3, 2], targets: [1, 1, 2, 2, 3, 3], columns: 2)
        #expect(isClose(s.rSquared, 0.5))
        #expect(isClose(s.meanSquaredError, 2.0 / 6))
    }

    /// Constant targets: R² is 1 for an exact fit, else 0 (SS_tot = 0).
    @Test func constantTargets() throws {
        #expect(try RegressionScores(predictions: [1, 1], targets: [1, 1]).rSquared == 1)
        #expect(try RegressionScores(predictions: [1, 2], targets: [1, 1]).rSquared == 0)
    }

    /// Targets far from zero: the shifted sums keep SS_tot exact (2), so R² = 1 − 1/2.
    @Test func targetsFarFromZeroStayAccurate() throws {
        let base = 1e9
        let s = try RegressionScores(predictions: [base + 1, base + 2, base + 4], targets: [base + 1, base + 2, base + 3])
        #expect(isClose(s.rSquared, 0.5, tolerance: 1e-6))
    }

    @Test func mismatchedOrEmptyInputIsAnError() {
        #expect(throws: EngineError.self) { try RegressionScores(predictions: [1], targets: [1, 2]) }
        #expect(throws: EngineError.self) { try RegressionScores(predictions: [], targets: []) }
        #expect(throws: EngineError.self) { try RegressionScores(predictions: [1, 2, 3], targets: [1, 2, 3], columns: 2) }
    }
}

@Suite struct NetworkMetricsTests {
    /// The identity network of EvaluationTests: MAE 1/4 as well, and the same figures as
    /// RegressionScores on its predictions.
    @Test func networkEvaluationAgreesWithRegressionScores() throws {
        let net = try Network<Double>(inputWidth: 1, layers: [DenseLayer(weights: Matrix([[1]]), bias: [0], activation: .linear)])
        let data = MatrixData(inputs: Matrix<Double>([[1], [2], [3], [4]]), targets: Matrix([[1], [2], [3], [5]]))
        let e = try net.evaluate(on: data, batchSize: 3)
        #expect(isClose(e.meanAbsoluteError, 0.25))
        #expect(e.regression == (try RegressionScores(predictions: [1, 2, 3, 4], targets: [1, 2, 3, 5])))
        #expect(e.top == nil && e.topAccuracy == nil, "no top-k for regression data")
    }

    /// Identity softmax: outputs rank the classes as the inputs do.
    /// x rows: (5,0,0) true 0 → rank 1; (0,5,1) true 2 → rank 2; (0,1,5) true 2 → rank 1;
    /// (3,2,1) true 2 → rank 3. Top-1 = accuracy = 2/4, top-2 = 3/4, top-3 = 1.
    @Test func topKOverANetwork() throws {
        let net = try Network<Double>(inputWidth: 3, layers: [
            DenseLayer(weights: Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), bias: [0, 0, 0], activation: .softmax)])
        let data = MatrixData(inputs: Matrix<Double>([[5, 0, 0], [0, 5, 1], [0, 1, 5], [3, 2, 1]]), labels: [0, 2, 2, 2], classes: 3)
        let top1 = try net.evaluate(on: data, batchSize: 3, top: 1)
        #expect(top1.topAccuracy == top1.accuracy)
        #expect(top1.accuracy == 0.5)
        #expect(try net.evaluate(on: data, top: 2).topAccuracy == 0.75)
        #expect(try net.evaluate(on: data, top: 3).topAccuracy == 1)
        #expect(try net.evaluate(on: data, top: 2).top == 2)
        #expect(throws: EngineError.self) { try net.evaluate(on: data, top: 0) }
        let c = try #require(top1.confusion)
        #expect(c.counts == [[1, 0, 0], [0, 0, 0], [1, 1, 1]])
    }

    /// One sigmoid-like output counts as scores (1 − p, p): top-2 of two classes always hits.
    @Test func singleOutputTopK() throws {
        let net = try Network<Float>(inputWidth: 1, layers: [DenseLayer(weights: Matrix([[1]]), bias: [0], activation: .linear)])
        let data = MatrixData(inputs: Matrix<Float>([[0.9], [0.2], [0.7]]), targets: Matrix([[1], [1], [0]]), labels: [1, 1, 0])
        let e = try net.evaluate(on: data, top: 2)
        #expect(isClose(e.accuracy ?? -1, 1.0 / 3))
        #expect(e.topAccuracy == 1)
        #expect(isClose(try net.evaluate(on: data, top: 1).topAccuracy ?? -1, 1.0 / 3))
    }
}
