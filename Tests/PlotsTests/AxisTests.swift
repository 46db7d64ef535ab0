import Testing
@testable import Plots

@Suite struct AxisTests {
    @Test(arguments: [(7.0, 3, 2.5), (1.0, 4, 0.25), (100.0, 5, 20), (0.003, 3, 0.001), (49.0, 5, 10)])
    func niceSteps(span: Double, target: Int, expected: Double) {
        let step = Axis.niceStep(span: span, target: target)
        #expect(abs(step - expected) < 1e-12 * expected)
    }

    @Test func linearTicksLieInsideAndAreEvenlySpaced() {
        let axis = Axis(covering: [0.19, 1.1], scale: .linear, target: 5, padding: 0.03)
        #expect(axis.low <= 0.19 && axis.high >= 1.1)
        #expect(axis.labels == ["0.25", "0.50", "0.75", "1.00"])
        #expect(axis.ticks.allSatisfy { $0 >= axis.low && $0 <= axis.high })
    }

    @Test func integerAxesUseWholeSteps() {
        let axis = Axis(covering: [1, 8], scale: .linear, target: 4, integerSteps: true)
        #expect(axis.labels == ["2", "4", "6", "8"])
        let short = Axis(covering: [1, 3], scale: .linear, target: 8, integerSteps: true)
        #expect(short.labels == ["1", "2", "3"])
    }

    @Test func logAxisOverManyDecadesTicksAtPowersOfTen() {
        let axis = Axis(covering: [-4.2, 0.3], scale: .log, target: 6)
        #expect(axis.labels == ["1e-4", "0.001", "0.01", "0.1", "1"])
        #expect(axis.ticks == [-4, -3, -2, -1, 0])
    }

    @Test func logAxisOverAFewDecadesAddsTwoAndFive() {
        let axis = Axis(covering: [-0.75, 0.05], scale: .log, target: 5)   // 0.18 … 1.12
        #expect(axis.labels == ["0.2", "0.5", "1"])
    }

    @Test func logAxisOverLessThanHalfADecadeUsesLinearSteps() {
        let axis = Axis(covering: [0.0, 0.3], scale: .log, target: 4)       // 1 … 2
        #expect(axis.labels.count >= 2)
        #expect(axis.ticks.allSatisfy { $0 >= axis.low && $0 <= axis.high })
    }

    @Test func aConstantGetsRoom() {
        let axis = Axis(covering: [5, 5], scale: .linear, target: 3)
        #expect(axis.low < 5 && axis.high > 5 && axis.labels.contains("5.0"))
    }

    @Test(arguments: [
        (0.0, "0"), (1.0, "1"), (0.012345, "0.0123"), (123.456, "123"), (-2.5, "-2.5"),
        (1.5e-5, "1.5e-5"), (2.0e7, "2e7"), (99999.0, "99999"), (.nan, "nan"), (-.infinity, "-inf"),
    ])
    func compactNumbers(value: Double, expected: String) {
        #expect(NumberFormat.compact(value) == expected)
    }

    @Test func tickLabelsShareDecimalsAndNeverShowMinusZero() {
        #expect(NumberFormat.tickLabels([-0.5, 0, 0.5, 1]) == ["-0.5", "0.0", "0.5", "1.0"])
        #expect(NumberFormat.tickLabels([0, 2.5, 5]) == ["0.0", "2.5", "5.0"])
        #expect(NumberFormat.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(NumberFormat.powerOfTen(-2) == "0.01" && NumberFormat.powerOfTen(6) == "1e6")
    }

    /// Values spanning more than the largest double (hi − lo overflows): finite bounds that
    /// cover them, ticks inside, and finite fractions (the chart trapped on an infinite one).
    @Test(arguments: [[-1e308, 1e308], [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude], [-1e308, 0, 1.7e308]])
    func axisOverMoreThanTheLargestSpan(_ values: [Double]) {
        for padding in [0, 0.03] {
            let axis = Axis(covering: values, scale: .linear, target: 5, padding: padding)
            #expect(axis.low.isFinite && axis.high.isFinite && axis.low < axis.high)
            #expect(axis.low <= values.min()! && axis.high >= values.max()!)
            #expect(axis.ticks.count >= 2 && axis.ticks.count == axis.labels.count)
            #expect(axis.ticks.allSatisfy { $0 >= axis.low && $0 <= axis.high })
            for v in values + [axis.low, axis.high] {
                let f = axis.fraction(v)
                #expect(f >= 0 && f <= 1, "\(v) → \(f)")
            }
            #expect(axis.fraction(axis.low) == 0 && axis.fraction(axis.high) == 1)
        }
    }
}
