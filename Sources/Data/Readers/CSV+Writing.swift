import Engine

extension CSV {
    /// The header names of a dataset written by `text(of:)`: `x0 … x(w−1)` for the features,
    /// then `label` for class data, `y` for one regression target or `y0 … y(t−1)` for several.
    public static func columnNames(of data: Dataset) -> [String] {
        var names = (0..<data.inputWidth).map { "x\($0)" }
        switch data.targets {
        case .none: break
        case .classes: names.append("label")
        case .values(let m): names += m.columns == 1 ? ["y"] : (0..<m.columns).map { "y\($0)" }
        }
        return names
    }

    /// The dataset as CSV text: a header row (`columnNames(of:)`), then one row per example:
    /// its features (pixels as the integers 0…255, other values in the shortest form that reads
    /// back to the same float32 or float64), then its class name (or class number when the
    /// classes have no names) or its target values. Cells are quoted as RFC 4180 says when
    /// they hold a comma, a quote or a line break.
    ///
    ///     let text = CSV.text(of: data)
    ///     let same = try CSV.parse(text: text, file: "x.csv", options: CSV.readingOptions(for: data))
    public static func text(of data: Dataset) -> String {
        var out = columnNames(of: data).joined(separator: ",") + "\n"
        let width = data.inputWidth
        let labelTexts: [String]? = data.classCount.map { k in (0..<k).map { quotedIfNeeded(data.className($0)) } }
        for i in 0..<data.count {
            for j in 0..<width {
                if j > 0 { out += "," }
                switch data.features {
                case .pixels(let v): out += String(v[i * width + j])
                case .float(let v): out += String(v[i * width + j])
                case .double(let v): out += String(v[i * width + j])
                }
            }
            switch data.targets {
            case .none: break
            case .classes(let labels, _): out += "," + labelTexts![labels[i]]
            case .values(let m):
                for c in 0..<m.columns { out += "," + String(m[i, c]) }
            }
            out += "\n"
        }
        return out
    }

    /// The options that read `text(of: data)` back into the same features, labels (with the
    /// same class numbers and names) or targets: the label or target columns, the precision,
    /// `pixels` for pixel data, and the classes when the labels alone would not give them.
    public static func readingOptions(for data: Dataset) -> CSVOptions {
        var options = CSVOptions(header: true, imageShape: data.imageShape)
        switch data.features {
        case .pixels: options.pixels = true
        case .float: options.precision = .float
        case .double: options.precision = .double
        }
        switch data.targets {
        case .none: break
        case .classes(let labels, let k):
            options.label = .name("label")
            if let names = data.classNames {
                if names != Array(Set(labels.map { names[$0] })).sorted() { options.classes = .names(names) }
            } else if (labels.max() ?? -1) + 1 != k {
                options.classes = .count(k)
            }
        case .values:
            options.targets = columnNames(of: data).dropFirst(data.inputWidth).map { .name($0) }
        }
        return options
    }

    /// An RFC 4180 cell: quoted when it holds the delimiter, a quote, a line break or spaces
    /// at either end (which the reader would trim); quotes inside doubled.
    private static func quotedIfNeeded(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || text.first == " " || text.last == " " || text.first == "\t" || text.last == "\t"
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
