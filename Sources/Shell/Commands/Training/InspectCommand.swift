import Engine
import Plots

/// `inspect net [data]`: a table of weight norms, gradient norms, dead ReLU units and saturated
/// sigmoid/tanh units for every layer with parameters, of any kind (shape: its weights').
struct InspectCommand: Command {
    static let name = "inspect"
    static let group = CommandGroup.training
    static let summary = "Show each layer's weight and gradient norms and its dead or saturated units."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("data", CommonParameters.dataset, default: Value.none,
                    help: "data for the gradient norms and the dead/saturated fractions (without it: weight norms only)"),
        ViewFile.parameter([.svg, .csv]),
    ]
    static let example = """
        r = runge n=100 noise=0.05 seed=1
        net = network 1
        add net dense 20 relu
        add net dense 1 linear
        train net r epochs=3 batch=10 quiet
        inspect net r
        """
    static let details = """
        One row per layer with parameters (dropout layers have none); shape is its weights'
        (dense: inputs×outputs, conv: filters×channels×k×k). ‖W‖ and ‖b‖ are the root sums of
        squares of each layer's weights and biases. With data, ‖∂W‖ and ‖∂b‖ are the norms of the
        gradient of the mean cost over all of the data (penalty excluded) at the current weights —
        not of the last training batch. dead: the share of a ReLU layer's units (a convolution's
        filters) that output 0 for every example (they no longer learn). saturated: the share of a
        sigmoid or tanh layer's outputs in the flat parts (sigmoid below 0.01 or above 0.99, tanh
        beyond ±0.99), where gradients nearly vanish. A layer holding NaN or infinite weights is
        marked "non-finite". After the table, each convolution's filters are drawn, one k×k
        tile per filter (f1, f2, …; a filter over several channels as the mean of its channels),
        all of a layer's on one scale: black its most negative weight, white its most positive.
        to="file.svg" draws the table and the filters as one picture (a notebook shows them so),
        to="file.csv" writes the table's rows.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let data = try a.optionalObject("data", as: DatasetObject.self)
        let health: [LayerHealth]
        do {
            health = try net.network.health(on: data?.dataset)
        } catch {
            throw CommandError(error, parameter: error.kind == .shapeMismatch ? "data" : "net")
        }
        let dataName = data.map { _ in argumentText(a, "data") }
        let rows = cells(health)
        let title = "Layer health: \(net.shape)" + (dataName.map { " on \($0)" } ?? "")
        let svg = { Table(header: header, rows: rows).renderSVG(title: title, rightAligned: header.indices.map { $0 >= 3 }) }
        shell.show(text(rows), svg: svg)
        shell.print(note(dataName: dataName, examples: data?.dataset.count))
        let grids = net.network.layerDescriptions.filter(LayerPictures.hasFilters).map { LayerPictures.filters(net.network, $0) }
        for grid in grids {
            shell.show(LayerPictures.terminal(grid, style: shell.imageStyle, width: shell.columns), svg: { grid.renderSVG() })
        }
        try shell.writeView(a, svg: { SVGStack.vertical([svg()] + grids.map { $0.renderSVG() }) },
                            csv: { Table(header: header, rows: rows) })
        return .none
    }

    static let header = ["layer", "shape", "activation", "‖W‖", "‖b‖", "‖∂W‖", "‖∂b‖", "dead", "saturated"]

    /// One row of `header` per layer ("-" where there is no figure).
    static func cells(_ health: [LayerHealth]) -> [[String]] {
        health.map { h in
            func figure(_ x: Double?) -> String { x.map(EpochLine.figure) ?? "-" }
            return [
                String(h.layer + 1), h.weightShape.description, (h.activation?.name ?? h.kind) + (h.nonFinite ? " non-finite" : ""),
                figure(h.weightNorm), figure(h.biasNorm), figure(h.weightGradientNorm), figure(h.biasGradientNorm),
                h.deadFraction.map(EpochLine.percent) ?? "-", h.saturatedFraction.map(EpochLine.percent) ?? "-",
            ]
        }
    }

    /// The table as terminal text: names left-aligned, figures right-aligned.
    static func text(_ rows: [[String]]) -> String {
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in c < 3 ? pad(s, widths[c]) : padLeft(s, widths[c]) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// The line under the table: what the figures were computed on; `dataName` nil when no data was given.
    static func note(dataName: String?, examples: Int?) -> String {
        if let dataName, let examples {
            return "gradients: of the mean cost over \(dataName) (\(examples) examples) at the current weights; "
                + "dead: ReLU units never above 0 on it; saturated: sigmoid/tanh outputs within 0.01 of their limits"
        }
        return "weight norms only: give data for gradient norms and dead/saturated units (inspect net data)"
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
