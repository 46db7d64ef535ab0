import Testing
@testable import Plots

/// Terminal line charts of fixed data, compared with stored snapshots (looked at by a person
/// when they were recorded), plus the properties every chart must have.
@Suite struct LineChartTerminalTests {
    @Test func learningCurveSnapshot() {
        let expected = """
                                Learning curve
            loss
                 │⠢⡀
            1.00 ┤⠑⢌⠢⡀
                 │  ⠑•⢄
            0.75 ┤   ⠈⠢⡑×⡀
                 │     ⠈⠢⢌⡑⠢⢄⡀
            0.50 ┤        ⠈⠑•⢌⣉×⠒⠤⠤⣀⣀⣀×⣀⣀⣀⣀⣀⣀×⣀⣀⣀⣀⣀⣀×⣀⣀⣀⡠⠤⠤×
                 │             ⠉⠑⠒⠤•⣀⣀⣀
            0.25 ┤                     ⠉⠉⠉•⠉⠑⠒⠒⠒⠒•⠢⠤⠤⠤⠤⠤•⠤⠤⠤
                 └──────┬───────────┬──────────┬───────────┬
                        2           4          6           8
                                    epoch
            ─•─ train   ─×─ validation
            """
        #expect(Fixtures.learningCurve.renderTerminal(width: 48, height: 14) == expected)
    }

    @Test func logScaleSnapshot() {
        var chart = Fixtures.learningCurve
        chart.yScale = .log
        let expected = """
                               Learning curve
            loss
              1 ┤⢦⢄⡀
                │ ⠉⠪•⠤⣀
                │    ⠑⠤×⠢⢄⡀
            0.5 ┤      ⠈⠑⠢⣈⠑⠢⠤×⣀
                │          •⠒⠤⣀ ⠉⠉⠒⠒⠒×⠢⠤⠤⠤⠤⠤×⠤⠤⠤⠤⠤⠔×⠒⠒⠒⠒⠒⠒×⠒
                │              ⠉⠒⠢•⣀⡀
                │                   ⠈⠉⠑⠒⠢•⠤⣀⣀⣀
            0.2 ┤                             ⠉⠉•⠉⠑⠒⠒⠒⠒•⠢⠤⠤⠤
                └──────┬───────────┬───────────┬───────────┬
                       2           4           6           8
                                    epoch
            ─•─ train   ─×─ validation
            """
        #expect(chart.renderTerminal(width: 48, height: 14) == expected)
    }

    @Test func pointsAndLinesSnapshot() {
        let expected = """
                                          Runge
            y
            1.0 ┤                           •
                │                          ⣠⠗⣧
                │                         ⡴+ ⠈⢣
            0.8 ┤                        •     •
                │                       ⡼       ×
            0.6 ┤                      •⠃       ⠘•
                │                    ⢀⢼×         ⠘⢵⡀
            0.4 ┤                   ⡠⡗⠁           ⠈⠪+
                │                ⣀+⡪•               •⢕⠢⡀
            0.2 ┤            ⣀⠤⠒⣉•⠊                   ⠑•⡑⠢⠤⣀
                │⣀⣀⣀⣀⠤•⠤⠒+⢊⣉•⠤•⠉                        ⠈×•⠤•+⠒⠒⠒⠤•⢄⣀⣀+⣀
            0.0 ┤•⠒•⠒×⠉⠉⠉•⠁                                   ⠉•⠉⠉×⠑⠒•⠒•
                └┬────────────┬─────────────┬─────────────┬────────────┬
               -1.0         -0.5           0.0           0.5         1.0
                                            x
             •  data   ─×─ truth   ─+─ prediction
            """
        #expect(Fixtures.runge.renderTerminal(width: 60, height: 18) == expected)
    }

    @Test func colourOffHasNoEscapeCodes() {
        for chart in [Fixtures.learningCurve, Fixtures.runge] {
            #expect(!chart.renderTerminal(width: 60, height: 16, colour: false).contains("\u{1B}"))
        }
    }

    @Test func colourOnGivesEachSeriesItsColourAndResets() {
        let text = Fixtures.runge.renderTerminal(width: 60, height: 16, colour: true)
        for index in Palette.ansi256.prefix(3) {
            #expect(text.contains("\u{1B}[38;5;\(index)m"))
        }
        // Every line that switches colour on switches it off again.
        for line in text.split(separator: "\n") where line.contains("\u{1B}[38;5;") {
            let last = line.ranges(of: "\u{1B}[").last
            #expect(last.map { line[$0.lowerBound...].hasPrefix(ANSI.reset) } == true)
        }
        // With colour, the lines carry no marker glyphs (only the points series does).
        #expect(!text.contains("×") && !text.contains("+"))
    }

    @Test(arguments: [30, 48, 80, 120])
    func linesFitTheWidthAndHeight(width: Int) {
        for chart in [Fixtures.learningCurve, Fixtures.runge] {
            let lines = chart.renderTerminal(width: width, height: 20).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 20)
            #expect(lines.allSatisfy { $0.count <= width })
        }
    }

    @Test func nonFinitePointsAreSkippedAndCounted() {
        let values = [1.0, .nan, 0.5, .infinity, 0.25, -.infinity]
        let chart = LineChart(series: [Series("loss", y: values)])
        let text = chart.renderTerminal(width: 40, height: 10)
        #expect(text.contains("loss (3 skipped)"))
        #expect(!text.contains("no data"))
        #expect(!text.lowercased().contains("nan") && !text.contains("inf"))
        // The line breaks at each skipped point: three runs of one point each.
        #expect(chart.plottedSeries()[0].runs.map(\.count) == [1, 1, 1])
    }

    /// Values whose span overflows a double draw (they trapped converting an infinite pixel
    /// position), in the terminal and as SVG with finite coordinates.
    @Test func valuesSpanningMoreThanTheLargestDoubleAreDrawn() {
        for chart in [LineChart(series: [Series("y", y: [1e308, -1e308])]),
                      LineChart(series: [Series("y", x: [-1.7e308, 1.7e308], y: [1, 2])])] {
            let text = chart.renderTerminal(width: 40, height: 10)
            #expect(text.contains("┤") && text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
            let svg = chart.renderSVG()
            #expect(!svg.contains("nan") && !svg.contains("inf"))
        }
    }

    @Test func nonPositiveValuesAreSkippedOnALogScale() {
        let chart = LineChart(series: [Series("mse", y: [1, 0, 0.1, -2, 0.01])], yScale: .log)
        #expect(chart.renderTerminal(width: 40, height: 10).contains("mse (2 skipped)"))
    }

    @Test func nothingToDrawSaysNoData() {
        let charts = [
            LineChart(title: "empty", series: []),
            LineChart(series: [Series("a", y: [])]),
            LineChart(series: [Series("a", y: [.nan, .nan]), Series("b", x: [.nan], y: [1])]),
        ]
        for chart in charts {
            let text = chart.renderTerminal(width: 40, height: 10)
            #expect(text.contains("no data"))
            #expect(!text.contains("┤"))   // no tick labels for an empty range
        }
    }

    @Test func singlePointAndConstantSeriesAreDrawn() {
        let single = LineChart(series: [Series("one", x: [3], y: [2])]).renderTerminal(width: 30, height: 8)
        #expect(single.contains("┤"))
        #expect(single.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        let flat = LineChart(series: [Series("flat", y: [5, 5, 5, 5])]).renderTerminal(width: 30, height: 8)
        #expect(flat.contains("5.0 ┤"))
    }

    @Test func monochromeLinesAreToldApartByMarkers() {
        let text = Fixtures.learningCurve.renderTerminal(width: 60, height: 16)
        // Each line series carries its own marker, in the plot and in the legend.
        #expect(text.contains("─•─ train") && text.contains("─×─ validation"))
        let plotRows = text.split(separator: "\n").filter { $0.contains("│") || $0.contains("┤") }
        #expect(plotRows.contains { $0.contains("•") } && plotRows.contains { $0.contains("×") })
        // A single series needs no markers.
        let one = LineChart(series: [Series("train", y: Fixtures.trainLoss)]).renderTerminal(width: 60, height: 16)
        #expect(!one.contains("•") && one.contains("─── train"))
    }
}
