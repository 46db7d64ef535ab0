import Testing
@testable import Plots

@Suite struct HeatmapTerminalTests {
    @Test func resultsTableSnapshot() {
        let expected = """
            Validation MSE
                          activation
            lr        relu     tanh  sigmoid
            0.001 ▒▒0.0123 ▒▒0.0201 ▓▓0.0452
            0.01  ░░0.0041 ░░0.0067 ▒▒0.0189
            0.1     0.0008   0.0021 ▒▒0.0098
            1            – ████0.41 ███0.252
            scale: 0.0008 [ ░▒▓█] 0.41 (log)
            """
        #expect(Fixtures.mse.renderTerminal(width: 60) == expected)
    }

    @Test func confusionMatrixSnapshot() {
        let expected = """
            Confusion matrix
                    predicted
            true  cat  dog bird
            cat  ██50    2    0
            dog     3 ██41    6
            bird    0    9 ▓▓39
            scale: 0 [ ░▒▓█] 50
            """
        #expect(Fixtures.confusion.renderTerminal(width: 60) == expected)
    }

    @Test func colourOffHasNoEscapeCodes() {
        #expect(!Fixtures.mse.renderTerminal(width: 80, colour: false).contains("\u{1B}"))
        #expect(!Fixtures.confusion.renderTerminal(width: 10, colour: false).contains("\u{1B}"))
    }

    @Test func colourOnPaintsCellBackgroundsFromTheScale() {
        let text = Fixtures.confusion.renderTerminal(width: 80, colour: true)
        #expect(text.contains(ANSI.background(ColourMap.ansi256(1))))   // the largest count, 50
        #expect(text.contains(ANSI.background(ColourMap.ansi256(0))))   // the zeros
        for line in text.split(separator: "\n") where line.contains("\u{1B}[") {
            let last = line.ranges(of: "\u{1B}[").last
            #expect(last.map { line[$0.lowerBound...].hasPrefix(ANSI.reset) } == true)
        }
        // Values stay readable: dark text on the light top colour, light text on the dark one.
        #expect(text.contains(ANSI.foreground(16) + ANSI.background(ColourMap.ansi256(1)) + "  50 "))
    }

    @Test func tooNarrowHidesValuesAndSaysSo() {
        let text = Fixtures.mse.renderTerminal(width: 20)
        #expect(text.contains("values hidden"))
        let cellLines = text.split(separator: "\n").filter { $0.hasPrefix("0.0") }
        #expect(cellLines.count == 2)
        #expect(cellLines.allSatisfy { !$0.dropFirst(6).contains { $0.isNumber } })
    }

    @Test func raggedInputIsPaddedAndMissingValuesShowADash() {
        let map = Heatmap(rowLabels: ["a"], columnLabels: [], values: [[1, 2, 3], [4]])
        let text = map.renderTerminal(width: 60)
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("1 ") && $0.contains("4") && $0.filter { $0 == "–" }.count == 2 })
        #expect(lines.contains { $0.contains("0") && $0.contains("1") && $0.contains("2") })   // column numbers
    }

    @Test func emptyMapSaysNoData() {
        #expect(Heatmap(title: "t", rowLabels: [], columnLabels: [], values: []).renderTerminal() == "t\nno data")
        let nothing = Heatmap(rowLabels: ["a"], columnLabels: ["b"], values: [[.nan]]).renderTerminal()
        #expect(nothing.contains("no value to colour"))
    }

    @Test func shadesDarkenAsValuesGrow() {
        let shades = stride(from: 0.0, through: 1.0, by: 0.05).map(ColourMap.shade)
        let ranks = shades.compactMap { ColourMap.shades.firstIndex(of: $0) }
        #expect(ranks == ranks.sorted() && ranks.first == 0 && ranks.last == ColourMap.shades.count - 1)
    }

    @Test func integersStayIntegersAndFractionsAreCompact() {
        #expect(NumberFormat.cellLabels([1, 20, 300])(20) == "20")
        #expect(NumberFormat.cellLabels([1, 0.5])(1) == "1")
        #expect(NumberFormat.cellLabels([0.012345, 2])(0.012345) == "0.0123")
    }
}

@Suite struct HeatmapSVGTests {
    @Test func cellsValuesLabelsAndColourBar() throws {
        let document = try #require(LineChartSVGTests.parse(Fixtures.mse.renderSVG(width: 640, height: 400)))
        let cells = document.elements(named: "rect").filter { $0.groupClasses.last == "cells" }
        #expect(cells.count == 12)
        // Lowest value darkest, highest brightest, the missing one grey.
        let fills = cells.compactMap { $0.attributes["fill"] }
        #expect(fills[6] == ColourMap.hex(0) && fills[10] == ColourMap.hex(1) && fills[9] == "#eeeeee")
        #expect(ColourMap.hex(0) == "#440154" && ColourMap.hex(1) == "#fde725")

        let texts = document.elements(named: "text")
        func group(_ name: String) -> [String] { texts.filter { $0.groupClasses.last == name }.map(\.text) }
        #expect(group("values") == ["0.0123", "0.0201", "0.0452", "0.0041", "0.0067", "0.0189",
                                    "0.0008", "0.0021", "0.0098", "–", "0.41", "0.252"])
        #expect(group("column-labels") == ["relu", "tanh", "sigmoid"])
        #expect(group("row-labels") == ["0.001", "0.01", "0.1", "1"])
        #expect(group("colour-bar").contains("0.01") && group("colour-bar").contains("log scale"))
        #expect(texts.contains { $0.text == "Validation MSE" && $0.attributes["class"] == "title" })
        #expect(texts.contains { $0.text == "activation" && $0.attributes["class"] == "column-title" })
        #expect(texts.contains { $0.text == "lr" && $0.attributes["class"] == "row-title" })
        #expect(!document.elements(named: "linearGradient").isEmpty)
        #expect(document.elements(named: "stop").count == 9)
    }

    @Test func valuesAreLeftOutWhenCellsAreTooSmall() throws {
        let big = Heatmap(rowLabels: [], columnLabels: [],
                          values: (0..<60).map { r in (0..<60).map { Double(r * $0) } })
        let document = try #require(LineChartSVGTests.parse(big.renderSVG(width: 300, height: 200)))
        #expect(document.elements(named: "rect").filter { $0.groupClasses.last == "cells" }.count == 3600)
        #expect(document.elements(named: "text").allSatisfy { $0.groupClasses.last != "values" })
    }

    @Test func labelsAreEscaped() throws {
        let map = Heatmap(title: "<b>&", rowLabels: ["x<y"], columnLabels: ["\"q\""], values: [[1]])
        let document = try #require(LineChartSVGTests.parse(map.renderSVG()))
        let texts = document.elements(named: "text").map(\.text)
        #expect(texts.contains("<b>&") && texts.contains("x<y") && texts.contains("\"q\""))
    }

    @Test func emptyMapSaysNoData() throws {
        let document = try #require(LineChartSVGTests.parse(Heatmap(rowLabels: [], columnLabels: [], values: []).renderSVG()))
        #expect(document.elements(named: "text").contains { $0.text == "no data" })
    }
}
