import Data
import Engine
import Foundation

/// `classify net "digit.png"`: a picture prepared like MNIST, the predicted class and top 3.
struct ClassifyCommand: Command {
    static let name = "classify"
    static let group = CommandGroup.training
    static let summary = "Classify a picture of a digit (PNG/PGM/PPM): the prediction, its probability and the top 3."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "a classifier of 28×28 images (784 inputs)"),
        .positional("image", .path, help: "the picture: any size, dark on light or light on dark"),
        .option("top", .integer(1...100), default: .number(3), help: "how many of the most likely classes to list"),
        .flag("quiet", help: "do not draw the prepared image"),
    ]
    static let example = """
        m = load "Models/mnist.nnm"
        classify m "digit.png"
        """
    static let details = """
        The picture is turned into an MNIST-style example first: gray, white ink on black, cropped
        to the ink, scaled to 20 pixels, centred by mass in 28×28. The result is a record:
        class, p, top (a list of [class, p] pairs).
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net"), path = try a.string("image")
        let (prepared, x) = try preparedInput(net, path: path, parameter: "image")
        let outputs: [Double]
        do {
            outputs = try net.network.predict(x).row(0)
        } catch {
            throw CommandError(error)
        }
        // Probabilities: a softmax output already is one; otherwise normalise non-negative scores.
        let isSoftmax = net.network.layers.last?.activation == .softmax
        let total = outputs.reduce(0) { $0 + max(0, $1) }
        let p = isSoftmax || total <= 0 ? outputs : outputs.map { max(0, $0) / total }
        let ranked = p.indices.sorted { p[$0] > p[$1] }
        func name(_ c: Int) -> String {
            PrintableText.escaping(net.classNames.flatMap { $0.indices.contains(c) ? $0[c] : nil } ?? String(c))
        }
        let best = ranked[0]
        let top = ranked.prefix(try a.int("top"))
        // The report is what the record shows as a statement; assigned, it prints nothing (as eval).
        var report = a.bool("quiet") ? [] : [TerminalImage.render(prepared, style: shell.imageStyle, fitting: shell.pictureRoom)]
        report.append("\(name(best))  (p=\(Format.apply(".3f", to: .number(p[best]))))")
        report.append("top \(top.count): " + top.map { "\(name($0)) \(Format.apply(".3f", to: .number(p[$0])))" }.joined(separator: ", "))
        return .record(Record([
            ("class", .number(Double(best))),
            ("p", .number(p[best])),
            ("top", .list(top.map { .list([.number(Double($0)), .number(p[$0])]) })),
        ], report: report.joined(separator: "\n")))
    }

    /// A picture file prepared as an MNIST-style input row for `net` (scaled like its training
    /// data when that was standardized): the prepared image and the 1 × 784 input.
    static func preparedInput(_ net: NetworkObject, path: String, parameter: String) throws(CommandError) -> (GrayImage, Matrix<Double>) {
        let prepared: GrayImage
        do {
            prepared = try DigitPreprocessing.mnistStyle(try ImageFile.read(path: path), name: path)
        } catch {
            throw CommandError(error, parameter: parameter)
        }
        let width = prepared.width * prepared.height
        guard net.network.inputWidth == width else {
            let n = net.network.inputWidth
            throw CommandError("the network takes \(n) input\(n == 1 ? "" : "s"), but a prepared picture has \(width) (28×28)", parameter: "net")
        }
        var x = Matrix<Double>(rows: 1, columns: width, storage: prepared.pixels.map(Double.init))
        do {
            if let s = net.scaling { try s.apply(to: &x) }
        } catch {
            throw CommandError(error, parameter: parameter)
        }
        return (prepared, x)
    }
}
