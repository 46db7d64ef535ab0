import Foundation
import Testing
import Data
import Engine
@testable import Shell
@testable import Plots

/// Pictures of a network's insides (issue 23): `inspect` draws each convolution's filters as
/// an image grid, `show data i net=net layer=n` one example's feature maps; both in the
/// terminal, in a notebook and as SVG. The refusals' messages are in the bad-input catalogue.
@Suite struct LayerPictureTests {
    static let build = """
        set seed 3
        net = network digits
        add net conv 4 3 relu
        add net maxpool 2
        add net conv 2 3 tanh
        add net flatten
        add net dense 3 softmax
        """

    static func floatNetwork(_ net: NetworkObject) throws -> Network<Float> {
        guard case .float(let n) = net.network else { throw ShellTestFailure("not float32") }
        return n
    }

    @Test func inspectDrawsEachConvolutionsFilters() throws {
        let s = try NetworkShapeTests.session()
        let r = runShell(Self.build + "\ninspect net", in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output.contains("layer 1 (conv): 4 filters 3×3\n"))
        #expect(r.output.contains("layer 2 (conv): 2 filters 3×3, each the mean of its 4 channels\n"))
        // 3×3 tiles drawn 6 columns wide, two spaces apart, captioned below.
        #expect(r.output.contains("\nf1      f2      f3      f4\n"))
        #expect(r.output.hasSuffix("\nf1      f2\n"))

        // The second conv layer's tiles: each weight the mean over its 4 channels, one scale for all.
        let net = try NetworkShapeTests.network(s.0, "net")
        let layer = net.network.layerDescriptions[2]
        let grid = LayerPictures.filters(net.network, layer)
        let w = try Self.floatNetwork(net).stack[2].parameter(0).map(Double.init)
        #expect(grid.images.count == 2 && grid.images.allSatisfy { $0.width == 3 && $0.height == 3 })
        for f in 0..<2 {
            for p in 0..<9 {
                let mean = (0..<4).map { w[(f * 4 + $0) * 9 + p] }.reduce(0, +) / 4
                #expect(abs(grid.images[f].pixels[p] - mean) <= 1e-12 * max(1, abs(mean)), "f\(f + 1) pixel \(p)")
            }
        }
        let all = grid.images.flatMap(\.pixels)
        #expect(grid.range == all.min()!...all.max()!)
        #expect(grid.images.map(\.caption) == ["f1", "f2"])
    }

    @Test func aNotebookGetsTheFiltersAsPictures() throws {
        let s = try NetworkShapeTests.session()
        let pictures = OutputCollector()
        s.0.showPicture = { _, svg in pictures.append(svg + "\u{0}") }
        let r = runShell(Self.build + "\ninspect net", in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let svgs = pictures.take().split(separator: "\u{0}").map(String.init)
        #expect(svgs.count == 3)   // the table, then each conv layer's filters
        #expect(svgs.dropFirst().map { $0.components(separatedBy: "class=\"image\"").count - 1 } == [4, 2])
        #expect(svgs.last?.contains("each the mean of its 4 channels") == true)
    }

    /// to="file.svg" holds the table and every convolution's filters, one picture under another,
    /// as one well-formed document as tall as its parts.
    @Test func inspectsSVGFileHoldsTheTableAndTheFilters() throws {
        let s = try NetworkShapeTests.session()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-inspect-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let r = runShell(Self.build + "\ninspect net to=\"\(dir)/health.svg\"", in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let check = SVGCheck(file: dir + "/health.svg")
        #expect(check.parsed, "\(check.error ?? "")")
        #expect(check.texts.contains("‖W‖") && check.texts.contains("4×1×3×3") && check.texts.contains("2×4×3×3"))
        #expect(check.texts.contains { $0.contains("each the mean of its 4 channels") })
        #expect(check.elements.filter { $0 == "svg" }.count == 4)   // the whole, the table, two grids
        let svg = try String(contentsOfFile: dir + "/health.svg", encoding: .utf8)
        #expect(svg.components(separatedBy: "class=\"image\"").count - 1 == 6)
        let net = try NetworkShapeTests.network(s.0, "net")
        let parts = [InspectCommand.cells(try net.network.health(on: nil))].map {
            Table(header: InspectCommand.header, rows: $0).renderSVG(title: "Layer health: \(net.shape)", rightAligned: InspectCommand.header.indices.map { $0 >= 3 })
        } + net.network.layerDescriptions.filter(LayerPictures.hasFilters).map { LayerPictures.filters(net.network, $0).renderSVG() }
        let heights = parts.map { SVGStack.size(of: $0).height }
        #expect(heights.allSatisfy { $0 > 0 })
        #expect(SVGStack.size(of: svg).height == heights.reduce(0, +))
        #expect(SVGStack.size(of: svg).width == parts.map { SVGStack.size(of: $0).width }.max())
    }

    @Test func showDrawsTheFeatureMapsOfOneExample() throws {
        let s = try NetworkShapeTests.session()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-maps-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = runShell(Self.build + "\nshow digits 1 net=net layer=2 to=\"\(dir)/maps.svg\"", in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let lines = r.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "digits #1 after layer 2 (maxpool 2×2 stride 2): 4×13×13")
        #expect(lines.contains("c1             c2             c3             c4"))   // 13 wide, two apart
        #expect(lines.dropLast().last == "wrote \(dir)/maps.svg")
        let svg = try String(contentsOfFile: dir + "/maps.svg", encoding: .utf8)
        #expect(svg.components(separatedBy: "class=\"image\"").count - 1 == 4)

        // The maps are the example's outputs after the maxpool: the largest of each 2×2
        // window of the conv layer's outputs, and the last layer's outputs are its prediction.
        let net = try NetworkShapeTests.network(s.0, "net")
        guard case .object(let digits as DatasetObject)? = s.0.interpreter.globals["digits"] else { throw ShellTestFailure("no digits") }
        let x = digits.dataset.featureRow(1)
        let conv = net.network.layerOutputs(x, through: 0), pooled = net.network.layerOutputs(x, through: 1)
        #expect(conv.count == 4 * 26 * 26 && pooled.count == 4 * 13 * 13)
        for c in 0..<4 {
            for r in 0..<13 {
                for k in 0..<13 {
                    let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map { conv[c * 676 + (2 * r + $0.0) * 26 + 2 * k + $0.1] }
                    #expect(pooled[c * 169 + r * 13 + k] == window.max()!)
                }
            }
        }
        let grid = LayerPictures.featureMaps(pooled, shape: Shape([4, 13, 13]), title: "")
        #expect(grid.images[2].pixels == Array(pooled[338..<507]))
        let predicted = try net.network.predict(Matrix(rows: 1, columns: x.count, storage: x))
        let last = net.network.layerOutputs(x, through: 4)
        #expect(zip(last, predicted.storage).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(last) vs \(predicted.storage)")
    }

    /// Maps wider than the terminal are drawn smaller until one fits.
    @Test func wideMapsAreDrawnSmallerToFit() {
        let grid = LayerPictures.featureMaps((0..<2 * 100 * 100).map { Double($0 % 7) }, shape: Shape([2, 100, 100]), title: "wide")
        for width in [60, 40, 20] {
            let lines = LayerPictures.terminal(grid, style: .shades, width: width).split(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= width }, "\(width)")
            #expect(lines.contains { $0.hasPrefix("c2") })
        }
    }

    /// The terminal drawing keeps to the width it is given (tiles wrap into bands).
    @Test(arguments: [80, 60])
    func theGridsFitTheWidth(columns: Int) throws {
        let s = try NetworkShapeTests.session()
        #expect(runShell(Self.build, in: s).succeeded)
        let net = try NetworkShapeTests.network(s.0, "net")
        let filters = LayerPictures.filters(net.network, net.network.layerDescriptions[0])
        guard case .object(let digits as DatasetObject)? = s.0.interpreter.globals["digits"] else { throw ShellTestFailure("no digits") }
        let maps = LayerPictures.featureMaps(net.network.layerOutputs(digits.dataset.featureRow(0), through: 0),
                                             shape: Shape([4, 26, 26]), title: "maps")
        for grid in [filters, maps] {
            for style in [TerminalImage.Style.shades, .blocks] {
                let lines = LayerPictures.terminal(grid, style: style, width: columns).split(separator: "\n")
                #expect(lines.allSatisfy { $0.count <= columns })
                #expect(lines.filter { $0.hasPrefix("c1") || $0.hasPrefix("f1") }.count == 1)
            }
        }
    }
}
