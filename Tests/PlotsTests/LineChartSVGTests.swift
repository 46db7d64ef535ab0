import Testing
@testable import Plots

@Suite struct LineChartSVGTests {
    /// Parses `svg`, recording a test issue (with the parser's message) when it is not XML.
    static func parse(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> ParsedXML? {
        let (document, error) = ParsedXML.parse(svg)
        #expect(error == nil, "not well-formed XML: \(error ?? "")", sourceLocation: sourceLocation)
        return document
    }

    @Test func learningCurveHasOnePathPerSeriesTitleLabelsAndLegend() throws {
        let document = try #require(Self.parse(Fixtures.learningCurve.renderSVG(width: 640, height: 400)))
        let svg = try #require(document.elements.first)
        #expect(svg.name == "svg" && svg.attributes["width"] == "640" && svg.attributes["height"] == "400")

        let groups = document.elements(named: "g").filter { $0.attributes["class"] == "series" }
        #expect(groups.map { $0.attributes["data-name"] } == ["train", "validation"])
        let paths = document.elements(named: "path").filter { $0.groupClasses.last == "series" }
        #expect(paths.count == 2)
        // Each path visits every point of its series: one move and seven line commands.
        for path in paths {
            let d = path.attributes["d"] ?? ""
            #expect(d.filter { $0 == "M" }.count == 1 && d.filter { $0 == "L" }.count == 7)
        }

        let texts = document.elements(named: "text")
        #expect(texts.contains { $0.text == "Learning curve" && $0.attributes["class"] == "title" })
        #expect(texts.contains { $0.text == "epoch" && $0.attributes["class"] == "x-label" })
        #expect(texts.contains { $0.text == "loss" && $0.attributes["class"] == "y-label" })
        let legend = texts.filter { $0.groupClasses.last == "legend" }.map(\.text)
        #expect(legend == ["train", "validation"])
        let tickLabels = texts.filter { $0.groupClasses.last == "ticks" }.map(\.text)
        #expect(tickLabels.contains("0.4") && tickLabels.contains("4"))
    }

    @Test func pointsSeriesIsOneCirclePerPoint() throws {
        let document = try #require(Self.parse(Fixtures.runge.renderSVG()))
        let circles = document.elements(named: "circle").filter { $0.groupClasses.last == "series" }
        #expect(circles.count == Fixtures.xs.count)
        let paths = document.elements(named: "path").filter { $0.groupClasses.last == "series" }
        #expect(paths.count == 2)
        let groups = document.elements(named: "g").filter { $0.attributes["class"] == "series" }
        #expect(Set(groups.compactMap { $0.attributes["data-name"] }) == ["data", "truth", "prediction"])
    }

    /// A one-epoch history was an empty frame: a line of one point has no segment to stroke.
    @Test func aOnePointLineIsDrawnAsADot() throws {
        let chart = LineChart(title: "Learning curves", xLabel: "epoch", yLabel: "loss",
                              series: [Series("train loss", y: [0.42]), Series("validation loss", y: [0.5])])
        let document = try #require(Self.parse(chart.renderSVG()))
        let dots = document.elements(named: "circle").filter { $0.groupClasses.last == "series" }
        #expect(dots.count == 2)
        let frame = try #require(document.elements(named: "rect").first { $0.attributes["stroke"] == "#888" })
        let x = Double(frame.attributes["x"] ?? "") ?? .nan, w = Double(frame.attributes["width"] ?? "") ?? .nan
        for dot in dots {
            let cx = Double(dot.attributes["cx"] ?? "") ?? .nan
            #expect(cx >= x && cx <= x + w, "inside the frame")
        }
        #expect(!document.elements(named: "text").contains { $0.text == "no data" })
        // A lone value between gaps is a dot too; the runs around it stay lines.
        let gappy = LineChart(series: [Series("y", y: [1, 2, .nan, 3, .nan, 4, 5])])
        let parsed = try #require(Self.parse(gappy.renderSVG()))
        #expect(parsed.elements(named: "circle").filter { $0.groupClasses.last == "series" }.count == 1)
        let d = parsed.elements(named: "path").first { $0.groupClasses.last == "series" }?.attributes["d"] ?? ""
        #expect(d.filter { $0 == "M" }.count == 2)
    }

    @Test func pointsStayInsideThePlotFrame() throws {
        let document = try #require(Self.parse(Fixtures.runge.renderSVG(width: 500, height: 300)))
        let frame = try #require(document.elements(named: "rect").first { $0.attributes["stroke"] == "#888" })
        let x = Double(frame.attributes["x"] ?? "") ?? .nan, y = Double(frame.attributes["y"] ?? "") ?? .nan
        let w = Double(frame.attributes["width"] ?? "") ?? .nan, h = Double(frame.attributes["height"] ?? "") ?? .nan
        for circle in document.elements(named: "circle") where circle.groupClasses.last == "series" {
            let cx = Double(circle.attributes["cx"] ?? "") ?? .nan, cy = Double(circle.attributes["cy"] ?? "") ?? .nan
            #expect(cx >= x && cx <= x + w && cy >= y && cy <= y + h)
        }
    }

    @Test func textIsEscaped() throws {
        let chart = LineChart(title: "a < b & \"c\" > 'd'", xLabel: "x<1>", yLabel: "&",
                              series: [Series("tanh & <relu>", y: [1, 2])])
        let svg = chart.renderSVG()
        let document = try #require(Self.parse(svg))
        let texts = document.elements(named: "text").map(\.text)
        #expect(texts.contains("a < b & \"c\" > 'd'") && texts.contains("x<1>") && texts.contains("tanh & <relu>"))
        let groups = document.elements(named: "g").filter { $0.attributes["class"] == "series" }
        #expect(groups.first?.attributes["data-name"] == "tanh & <relu>")
        #expect(!svg.contains("<relu>"))
    }

    @Test func nonFiniteValuesBreakTheLineAndAreNoted() throws {
        let chart = LineChart(series: [Series("loss", y: [1, 0.5, .nan, 0.3, 0.2])])
        let document = try #require(Self.parse(chart.renderSVG()))
        let d = try #require(document.elements(named: "path").first?.attributes["d"])
        #expect(d.filter { $0 == "M" }.count == 2)
        #expect(!d.contains("nan") && !d.contains("inf"))
        #expect(document.elements(named: "text").contains { $0.text == "loss (1 skipped)" })
    }

    @Test func nothingToDrawSaysNoData() throws {
        let chart = LineChart(title: "empty", series: [Series("a", y: [.nan])])
        let document = try #require(Self.parse(chart.renderSVG()))
        #expect(document.elements(named: "text").contains { $0.text == "no data" })
        #expect(document.elements(named: "path").isEmpty)
    }

    @Test func logScalePlacesDecadesEvenly() throws {
        let chart = LineChart(series: [Series("mse", y: [1, 0.1, 0.01, 0.001])], yScale: .log)
        let document = try #require(Self.parse(chart.renderSVG()))
        let d = try #require(document.elements(named: "path").first?.attributes["d"])
        let ys = d.split(separator: " ").enumerated().filter { $0.offset % 2 == 1 }.compactMap { Double($0.element) }
        #expect(ys.count == 4)
        let gaps = zip(ys.dropFirst(), ys).map { $0 - $1 }
        #expect(gaps.allSatisfy { abs($0 - gaps[0]) < 0.02 && $0 > 0 })
    }
}
