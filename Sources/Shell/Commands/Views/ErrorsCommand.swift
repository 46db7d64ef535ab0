import Data
import Engine

/// `errors net data.test true=5 predicted=3`: the misclassified examples, drawn.
struct ErrorsCommand: Command {
    static let name = "errors"
    static let group = CommandGroup.views
    static let summary = "Find misclassified examples (optionally of one true and one predicted class) and draw them."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the classifier"),
        .positional("data", CommonParameters.dataset, help: "class data to check"),
        .option("true", .integer(0...100_000), help: "only examples of this true class"),
        .option("predicted", .integer(0...100_000), help: "only examples predicted as this class"),
        .option("count", .integer(0...10_000), default: .number(12), help: "how many to draw (all are returned)"),
        .flag("quiet", help: "print nothing, only return the indices"),
    ]
    static let example = """
        data = mnist "Data/mnist"
        net = network 784
        add net dense 10 softmax
        train net (take data.train 2000) epochs=1 quiet
        errors net (take data.test 500) true=5 predicted=3
        wrong = errors net data.test quiet
        print (len wrong)
        """
    static let echoesResult = false
    static let details = "Returns the list of the matching examples' indices."

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net"), data = try a.dataset("data").dataset
        guard let labels = data.labels else {
            throw CommandError("\(data.name) has no class labels", parameter: "data")
        }
        let wantTrue = try a.optionalInt("true"), wantPredicted = try a.optionalInt("predicted")
        let outputs: Matrix<Double>
        do { outputs = try net.network.predict(data) } catch { throw CommandError(error, parameter: "data") }
        let predicted = outputs.columns == 1
            ? outputs.storage.map { $0 > 0.5 ? 1 : 0 }
            : OneHot.decode(outputs)
        var found: [Int] = []
        for i in 0..<data.count where predicted[i] != labels[i] {
            if let t = wantTrue, labels[i] != t { continue }
            if let p = wantPredicted, predicted[i] != p { continue }
            found.append(i)
        }
        let what = [wantTrue.map { "true \(data.className($0))" }, wantPredicted.map { "predicted \(data.className($0))" }]
            .compactMap { $0 }.joined(separator: ", ")
        let result = Value.list(found.map { .number(Double($0)) })
        if a.bool("quiet") { return result }
        shell.print("\(found.count) of \(data.count) examples misclassified" + (what.isEmpty ? "" : " (\(what))"))
        let shown = found.prefix(try a.int("count"))
        if let shape = data.imageShape, !shown.isEmpty {
            let items = shown.map { i in
                (pixels: data.image(i) ?? [], caption: "\(data.className(labels[i]))→\(data.className(predicted[i])) #\(i)")
            }
            shell.print(TerminalImage.grid(items, shape: shape, perRow: 6, downsample: 2, style: shell.imageStyle))
        } else if !shown.isEmpty {
            for i in shown { shell.print("#\(i): true \(data.className(labels[i])), predicted \(data.className(predicted[i]))") }
        }
        return result
    }
}
