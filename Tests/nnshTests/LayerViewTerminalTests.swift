import Foundation
import Testing

/// A network's numbers at the prompt fit the terminal (issue 19): `net.layers[0].weights`
/// prints its corners within the width, and `heatmap` of the weights fits the width and height.
@Suite struct LayerViewTerminalTests {
    static let enter = "\r"

    @Test(arguments: [80, 60] as [UInt16])
    func weightsAndTheirHeatmapFitTheTerminal(columns: UInt16) throws {
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": ""], columns: columns, rows: 24)
        try t.expectPrompt()
        t.type("set seed 1; net = network 784; add net dense 300 relu" + Self.enter)
        try t.expectPrompt()
        var start = t.bytes.count
        t.type("net.layers[0].weights" + Self.enter)
        try t.expect("layer 0 weights: 784×300 float32")
        try t.expectPrompt()
        let printed = t.widestRow(since: start)
        #expect(printed.width <= Int(columns), "\(printed.row)")
        #expect(t.screen.contains("…") && t.screen.contains("⋮"))

        start = t.bytes.count
        t.type("heatmap net.layers[0].weights" + Self.enter)
        try t.expect("scale: ")
        try t.expectPrompt()
        let drawn = t.widestRow(since: start)
        #expect(drawn.width <= Int(columns), "\(drawn.row)")
        let rows = PseudoTerminal.writtenRows(Array(t.bytes[start...])).filter { !$0.isEmpty }
        #expect(rows.count <= 24, "\(rows.count) rows")
    }
}
