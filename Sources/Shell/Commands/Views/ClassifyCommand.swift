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
        let classifier = try DigitClassifier(net)
        let p: [Double]
        do {
            p = try classifier.probabilities(of: x)
        } catch {
            throw CommandError(error)
        }
        let top = classifier.rank(p, top: try a.int("top"))
        let best = top[0]
        // The report is what the record shows as a statement; assigned, it prints nothing (as eval).
        var report = a.bool("quiet") ? [] : [TerminalImage.render(prepared, style: shell.imageStyle, fitting: shell.pictureRoom)]
        report.append("\(best.label)  (p=\(Format.apply(".3f", to: .number(best.probability))))")
        report.append("top \(top.count): " + top.map { "\($0.label) \(Format.apply(".3f", to: .number($0.probability)))" }.joined(separator: ", "))
        return .record(Record([
            ("class", .number(Double(best.index))),
            ("p", .number(best.probability)),
            ("top", .list(top.map { .list([.number(Double($0.index)), .number($0.probability)]) })),
        ], report: report.joined(separator: "\n")))
    }

    /// A picture file prepared as an MNIST-style input row for `net` (scaled like its training
    /// data when that was standardized): the prepared image and the 1 × 784 input. The same
    /// steps as `serve`'s drawings take (`DigitClassifier`).
    static func preparedInput(_ net: NetworkObject, path: String, parameter: String) throws(CommandError) -> (GrayImage, Matrix<Double>) {
        let prepared: GrayImage
        do {
            prepared = try DigitClassifier.prepare(try ImageFile.read(path: path), name: path)
        } catch {
            throw CommandError(error, parameter: parameter)
        }
        let classifier = try DigitClassifier(net)
        do {
            return (prepared, try classifier.input(prepared))
        } catch {
            throw CommandError(error, parameter: parameter)
        }
    }
}
