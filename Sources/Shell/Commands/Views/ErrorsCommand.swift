import Data
import Engine
import Plots

/// `errors net data.test true=5 predicted=3`: the misclassified examples, drawn.
struct ErrorsCommand: Command {
    static let name = "errors"
    static let group = CommandGroup.views
    static let summary = "Find misclassified examples (optionally of one true and one predicted class) and draw them."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the classifier"),
        .positional("data", CommonParameters.dataset, help: "class data to check"),
        .option("true", .oneOf([.integer(0...100_000), .string]), help: "only examples of this true class (its number or name)"),
        .option("predicted", .oneOf([.integer(0...100_000), .string]), help: "only examples predicted as this class (its number or name)"),
        .option("count", .integer(0...10_000), default: .number(12), help: "how many to draw (all are returned)"),
        .flag("quiet", help: "print nothing, only return the indices"),
        ViewFile.parameter([.svg, .csv]),
    ]
    static let example = """
        data = mnist "Data/mnist"
        net = network 784
        add net dense 10 softmax
        train net (take data.train 2000) epochs=1 quiet
        errors net (take data.test 500) true=5 predicted=3 to="/tmp/5-read-as-3.svg"
        wrong = errors net data.test quiet
        print (len wrong)
        """
    static let echoesResult = false
    static let details = """
        Returns the list of the matching examples' indices. to="file.svg" draws the examples
        shown (count=) with their captions "true→predicted #index"; to="file.csv" lists every
        match (index, true, predicted).
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net"), data = try a.dataset("data").dataset
        guard let labels = data.labels else {
            throw CommandError("\(data.name) has no class labels", parameter: "data")
        }
        let wantTrue = try classNumber("true", a, data), wantPredicted = try classNumber("predicted", a, data)
        let outputs: Matrix<Double>
        do { outputs = try net.network.predict(data, shouldStop: shell.isInterrupted) } catch { throw CommandError(error, parameter: "data") }
        let predicted = outputs.columns == 1
            ? outputs.storage.map { $0 > 0.5 ? 1 : 0 }
            : OneHot.decode(outputs)
        var found: [Int] = []
        for i in 0..<data.count where predicted[i] != labels[i] {
            if let t = wantTrue, labels[i] != t { continue }
            if let p = wantPredicted, predicted[i] != p { continue }
            found.append(i)
        }
        let what = [wantTrue.map { "true \(data.printableClassName($0))" }, wantPredicted.map { "predicted \(data.printableClassName($0))" }]
            .compactMap { $0 }.joined(separator: ", ")
        let shape = data.imageShape
        let drawn = Array(found.prefix(try a.int("count")))
        func caption(_ i: Int) -> String { "\(data.printableClassName(labels[i]))→\(data.printableClassName(predicted[i])) #\(i)" }
        let title = "\(found.count) misclassified" + (what.isEmpty ? "" : " (\(what))")
        let svg = { () throws(CommandError) -> String in
            guard let shape else { throw CommandError("to: \(data.name) holds no images to draw; write a .csv file instead", parameter: "to") }
            return ImageGrid(title: title, images: drawn.map { i in
                ImageGrid.Image(pixels: (data.image(i) ?? []).map(Double.init), width: shape.columns, height: shape.rows, caption: caption(i))
            }).renderSVG()
        }
        if !a.bool("quiet") {
            shell.print("\(found.count) of \(data.count) examples misclassified" + (what.isEmpty ? "" : " (\(what))"))
            if let shape, !drawn.isEmpty {
                let items = drawn.map { i in (pixels: data.image(i) ?? [], caption: caption(i)) }
                shell.show(TerminalImage.grid(items, shape: shape, perRow: 6, downsample: 2, style: shell.imageStyle,
                                              width: shell.columns), svg: svg)
            } else {
                for i in drawn { shell.print("#\(i): true \(data.printableClassName(labels[i])), predicted \(data.printableClassName(predicted[i]))") }
            }
        }
        try shell.writeView(a, svg: svg, csv: {
            Table(header: ["index", "true", "predicted"],
                  rows: found.map { [String($0), data.className(labels[$0]), data.className(predicted[$0])] })
        }, announce: !a.bool("quiet"))
        return .list(found.map { .number(Double($0)) })
    }

    /// The class given as `true=` or `predicted=`: a number below the class count, or a name.
    static func classNumber(_ key: String, _ a: Arguments, _ data: Dataset) throws(CommandError) -> Int? {
        let classes = data.classCount ?? 0
        switch a.values[key] ?? .none {
        case .none:
            return nil
        case .number:
            let c = try a.int(key)
            guard c < classes else {
                throw CommandError("\(key): there is no class \(c); \(data.name) has classes 0 to \(classes - 1)", parameter: key)
            }
            return c
        case .string(let name):
            let names = (0..<classes).map(data.className)
            guard let c = names.firstIndex(of: name) else {
                throw CommandError("\(key): no class named '\(name)'; the classes are: \(PrintableText.escaping(names.joined(separator: ", ")))"
                                   + Suggest.didYouMean(name, among: names), parameter: key)
            }
            return c
        case let v:
            throw CommandError("\(key): expected a class number or name, got \(v.typeDescription)", parameter: key)
        }
    }
}
