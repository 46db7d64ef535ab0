import Engine
import Plots

/// `heatmap scores x=lr y=act value=mse`: a results table (or a matrix) as a coloured grid.
struct HeatmapCommand: Command {
    static let name = "heatmap"
    static let group = CommandGroup.views
    static let summary = "Draw a results table (x and y columns, a value column) or a matrix as a heatmap."
    static let parameters: [Parameter] = [
        .positional("source", .oneOf([.object(TableObject.self), .object(MatrixObject.self), .list, .any]),
                    help: "a results table, a matrix (net.layers[0].weights), an eval record of class data (its confusion matrix), or a list of rows of numbers"),
        .option("x", .column, help: "the table column along the x axis (columns of the map)"),
        .option("y", .column, help: "the table column along the y axis (rows of the map)"),
        .option("value", .column, help: "the table column coloured"),
        .option("title", .string, help: "the title"),
        ViewFile.parameter([.svg, .csv]),
        .flag("log", help: "a logarithmic colour scale (for errors spanning decades)"),
    ]
    static let example = """
        scores = grid
        for lr in [0.01, 0.1] { for act in [relu, tanh] { record scores lr=lr act=act mse=lr } }
        heatmap scores x=lr y=act value=mse to="/tmp/scores.svg"
        """
    static let details = """
        Column names may be written bare (x=lr) or quoted (x=\"lr\").
        A matrix larger than the terminal (or than 64×64 in an SVG) is drawn as the means of
        equal blocks of cells; the title says so and the labels give each block's first row
        and column. The engine computes the means.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        var map: Heatmap
        switch try a.value("source") {
        case .object(let table as TableObject):
            map = try fromTable(table, a)
        case .record(let r):
            guard case .list(let rows)? = r["confusion"] else {
                throw CommandError("source: a record to draw must come from eval on class data (it has no confusion field)", parameter: "source")
            }
            let values = try matrix(rows)
            var names = values.indices.map(String.init)
            if case .list(let given)? = r["classes"], given.count == values.count {
                names = given.map { if case .string(let s) = $0 { s } else { $0.display } }
            }
            map = Heatmap(title: "Confusion matrix", rowTitle: "true", columnTitle: "predicted",
                          rowLabels: names, columnLabels: names, values: values)
        case .object(let m as MatrixObject):
            let terminal = fromMatrix(m, fitting: terminalRoom(m, shell))
            let svg = fromMatrix(m, fitting: (64, 64))
            try draw(terminal, a, shell, svg: { styled(svg, a).renderSVG() })
            try shell.writeView(a, svg: { styled(svg, a).renderSVG() }, csv: { ViewTables.grid(fromMatrix(m, fitting: (m.matrix.rows, m.matrix.columns))) })
            return .none
        case .list(let rows):
            let values = try matrix(rows)
            let columns = values.map(\.count).max() ?? 0
            map = Heatmap(rowLabels: values.indices.map(String.init), columnLabels: (0..<columns).map(String.init), values: values)
        default:
            throw CommandError("source: expected a results table, an eval record or a list of rows", parameter: "source")
        }
        if let t = try a.optionalString("title") { map.title = t }
        if a.bool("log") { map.scale = .log }
        let drawn = map
        shell.show(map.renderTerminal(width: 100, colour: shell.useColour), svg: { drawn.renderSVG() })
        try shell.writeView(a, svg: { drawn.renderSVG() }, csv: { ViewTables.grid(drawn) })
        return .none
    }

    /// The title= and log options applied.
    static func styled(_ map: Heatmap, _ a: Arguments) -> Heatmap {
        var map = map
        if let t = try? a.optionalString("title") { map.title = t }
        if a.bool("log") { map.scale = .log }
        return map
    }

    static func draw(_ map: Heatmap, _ a: Arguments, _ shell: Interpreter,
                     svg: () throws(CommandError) -> String) throws(CommandError) {
        if a.has("x") || a.has("y") || a.has("value") {
            throw CommandError("x=, y= and value= choose a results table's columns; a matrix is drawn as it is", parameter: "source")
        }
        shell.show(styled(map, a).renderTerminal(width: shell.columns, colour: shell.useColour), svg: svg)
    }

    /// How many rows and columns of cells fit on the terminal: a row per line (the terminal's
    /// height less the title, headers, scale and note, and the command and prompt lines, so the
    /// whole map stays in view; at most 40), and the compact cells that fit
    /// beside the row labels (as wide as the column numbers, 2 or 3, plus a gap without colour:
    /// see `Heatmap.renderTerminal`).
    static func terminalRoom(_ m: MatrixObject, _ shell: Interpreter) -> (rows: Int, columns: Int) {
        let labelWidth = max(m.rowTitle.count, String(max(0, m.matrix.rows - 1)).count)
        let cell = min(3, max(2, String(max(0, m.matrix.columns - 1)).count)) + (shell.useColour ? 0 : 1)
        let rows = min(40, max(4, (shell.rows ?? 40) - 8))
        return (rows, max(1, (shell.columns - labelWidth - 1) / cell))
    }

    /// The matrix as a heatmap of at most `fitting` cells: the engine's block means
    /// (`Matrix.pooled`), labelled by each block's first row and column.
    static func fromMatrix(_ m: MatrixObject, fitting: (rows: Int, columns: Int)) -> Heatmap {
        let pooled = m.matrix.pooled(maxRows: fitting.rows, maxColumns: fitting.columns)
        let (rows, columns) = (m.matrix.rows, m.matrix.columns)
        let values = (0..<pooled.rows).map { pooled.row($0) }
        let rowLabels = (0..<pooled.rows).map { String($0 * rows / max(1, pooled.rows)) }
        let columnLabels = (0..<pooled.columns).map { String($0 * columns / max(1, pooled.columns)) }
        let blocks = pooled.rows == rows && pooled.columns == columns ? ""
            : ", means of blocks of \(blockSize(rows, pooled.rows))×\(blockSize(columns, pooled.columns))"
        return Heatmap(title: "\(m.title) (\(rows)×\(columns)\(blocks))", rowTitle: m.rowTitle, columnTitle: m.columnTitle,
                       rowLabels: rowLabels, columnLabels: columnLabels, values: values)
    }

    /// "28" or "28-29": the rows (or columns) each block of `count / parts` averages.
    private static func blockSize(_ count: Int, _ parts: Int) -> String {
        let low = count / max(1, parts), high = (count + parts - 1) / max(1, parts)
        return low == high ? String(low) : "\(low)-\(high)"
    }

    /// A list of rows of numbers.
    static func matrix(_ rows: [Value]) throws(CommandError) -> [[Double]] {
        var values: [[Double]] = []
        for row in rows {
            guard case .list(let cells) = row else {
                throw CommandError("source: expected a list of rows (lists of numbers)", parameter: "source")
            }
            var numbers: [Double] = []
            for c in cells {
                guard case .number(let x) = c else { throw CommandError("source: cells must be numbers", parameter: "source") }
                numbers.append(x)
            }
            values.append(numbers)
        }
        return values
    }

    static func fromTable(_ table: TableObject, _ a: Arguments) throws(CommandError) -> Heatmap {
        var chosen: [String] = []
        for key in ["x", "y", "value"] {
            guard let name = try a.optionalString(key) else {
                throw CommandError("a results table needs x=, y= and value= columns (it has: \(table.columns.joined(separator: ", ")))")
            }
            guard table.columns.contains(name) else {
                throw CommandError("\(key): no column '\(name)'; the columns are: \(table.columns.joined(separator: ", "))"
                                   + Suggest.didYouMean(name, among: table.columns), parameter: key)
            }
            chosen.append(name)
        }
        let (x, y, v) = (chosen[0], chosen[1], chosen[2])
        var columnKeys: [String] = [], rowKeys: [String] = []
        for row in table.rows {
            let cx = TableObject.cell(row[x] ?? .none), cy = TableObject.cell(row[y] ?? .none)
            if !columnKeys.contains(cx) { columnKeys.append(cx) }
            if !rowKeys.contains(cy) { rowKeys.append(cy) }
        }
        var values = Array(repeating: Array(repeating: Double.nan, count: columnKeys.count), count: rowKeys.count)
        for row in table.rows {
            guard let c = columnKeys.firstIndex(of: TableObject.cell(row[x] ?? .none)),
                  let r = rowKeys.firstIndex(of: TableObject.cell(row[y] ?? .none)) else { continue }
            guard case .number(let value)? = row[v] else {
                throw CommandError("value: column '\(v)' must hold numbers", parameter: "value")
            }
            values[r][c] = value
        }
        return Heatmap(title: v, rowTitle: y, columnTitle: x, rowLabels: rowKeys, columnLabels: columnKeys, values: values)
    }
}
