import Testing
@testable import Plots

/// SVG text is measured (approximate glyph widths) and shrunk or wrapped to fit, never cut:
/// docs/results/runge-sparse-fit.svg read "arse Runge: ..." and gradcheck.svg's column labels
/// were cut and of uneven sizes.
@Suite struct SVGTextFitTests {
    static let longTitle = "Sparse Runge: the model chosen on 4 test points, on 100 fresh points, against the true function"

    /// The texts of class `title`, each with its estimated left and right edges.
    static func titleExtents(_ svg: String) throws -> [(text: String, left: Double, right: Double)] {
        let document = try #require(ParsedXML.parse(svg).document)
        return document.elements(named: "text").filter { $0.attributes["class"] == "title" }.map { e in
            let x = Double(e.attributes["x"] ?? "") ?? .nan, size = Double(e.attributes["font-size"] ?? "") ?? .nan
            let width = SVGDocument.textWidth(e.text, size: size, bold: true)
            return (e.text, x - width / 2, x + width / 2)
        }
    }

    @Test(arguments: [640, 400, 300])
    func aLongChartTitleStaysWhole(width: Int) throws {
        let chart = LineChart(title: Self.longTitle, xLabel: "x", yLabel: "y",
                              series: [Series("data", x: [-1, 0, 1], y: [0.04, 1, 0.04], style: .points),
                                       Series("a rather long network name", x: [-1, 1], y: [0, 0])])
        let titles = try Self.titleExtents(chart.renderSVG(width: width, height: 400))
        #expect(titles.map(\.text).joined(separator: " ") == Self.longTitle, "every word, in order")
        for t in titles { #expect(t.left >= 0 && t.right <= Double(width), "\(t) inside 0...\(width)") }
        let sizes = Set(try #require(ParsedXML.parse(chart.renderSVG(width: width)).document)
            .elements(named: "text").filter { $0.attributes["class"] == "title" }.compactMap { $0.attributes["font-size"] })
        #expect(sizes.count == 1, "one size for the title's lines")
    }

    @Test func aLongImageGridTitleStaysWhole() throws {
        let grid = ImageGrid(title: Self.longTitle, images: [ImageGrid.Image(pixels: [0, 1, 1, 0], width: 2, height: 2, caption: "a")])
        let titles = try Self.titleExtents(grid.renderSVG(width: 300))
        #expect(titles.map(\.text).joined(separator: " ") == Self.longTitle)
        for t in titles { #expect(t.left >= 0 && t.right <= 300) }
    }

    /// gradcheck's table: labels such as "binary_cross_entropy l1+l2" over narrow columns.
    @Test func heatmapColumnLabelsAreWholeAndOfOneSize() throws {
        let columns = ["mse none", "mse l1", "mse l2", "mse l1+l2", "ce none", "ce l1", "ce l2", "ce l1+l2",
                       "binary_cross_entropy none", "binary_cross_entropy l1+l2"]
        let map = Heatmap(title: "gradient check: relative error", rowTitle: "activation", columnTitle: "cost_penalty",
                          rowLabels: ["relu", "tanh"], columnLabels: columns,
                          values: [columns.indices.map { Double($0) + 1 }, columns.indices.map { Double($0) + 2 }])
        let document = try #require(ParsedXML.parse(map.renderSVG(width: 640, height: 400)).document)
        let labels = document.elements(named: "text").filter { $0.groupClasses.last == "column-labels" }
        #expect(labels.map(\.text) == columns, "no label cut")
        #expect(Set(labels.compactMap { $0.attributes["font-size"] }).count == 1, "one size for all")
        for label in labels {
            let size = Double(label.attributes["font-size"] ?? "") ?? 0
            #expect(size >= 7, "readable: \(size)")
            let y = Double(label.attributes["y"] ?? "") ?? 0
            if label.attributes["transform"] != nil {
                #expect(y - SVGDocument.textWidth(label.text, size: size) >= 0, "an upright label stays inside the top")
            }
        }
        // Short labels over wide columns stay level, at the full size.
        let small = Heatmap(rowLabels: ["a"], columnLabels: ["x", "y"], values: [[1, 2]])
        let level = try #require(ParsedXML.parse(small.renderSVG()).document).elements(named: "text")
            .filter { $0.groupClasses.last == "column-labels" }
        #expect(level.allSatisfy { $0.attributes["transform"] == nil && $0.attributes["font-size"] == "12" })
    }

    @Test func glyphWidthsDifferByLetter() {
        #expect(SVGDocument.textWidth("iiii", size: 10) < SVGDocument.textWidth("mmmm", size: 10) / 2)
        #expect(SVGDocument.textWidth("学习", size: 10) == 20)
    }
}
