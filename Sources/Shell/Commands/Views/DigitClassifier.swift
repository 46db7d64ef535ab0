import Data
import Engine
import Foundation
import ModelFiles

/// A network that classifies pictures of digits: the one path from a picture to ranked classes,
/// shared by `classify` (a picture file) and `serve` (a drawing from the web page).
///
/// 1. `DigitPreprocessing.mnistStyle`: gray, white ink on black, cropped, scaled to 20 pixels,
///    centred by mass in 28×28 (what the network "sees");
/// 2. the network's input scaling, when its training data was standardized;
/// 3. the network's outputs as probabilities (a softmax output already is one; otherwise the
///    non-negative scores, normalised), ranked.
///
/// It is safe to call from several threads at once: the network runs one picture at a time.
///
///     let classifier = try DigitClassifier(modelFile: "Models/mnist.nnm")
///     let reading = try classifier.classify(picture)   // reading.ranked[0].label == "3"
public final class DigitClassifier: @unchecked Sendable {
    let net: NetworkObject
    /// The network, its scratch space and its scaling are used by one picture at a time.
    private let lock = NSLock()

    /// A classifier of `net`; throws (naming `parameter`) when its input is not 28×28.
    init(_ net: NetworkObject, parameter: String = "net") throws(CommandError) {
        try Self.checkInputs(of: net, parameter: parameter)
        self.net = net
    }

    /// A classifier of the network saved in a model file (`load`'s reader).
    public convenience init(modelFile path: String) throws(DigitClassifier.Failure) {
        do {
            try self.init(NetworkObject(loaded: try ModelFile.read(path)))
        } catch let e as CommandError {
            throw Failure(e.message)
        } catch {
            throw Failure("\(path): \(error)")
        }
    }

    /// One line saying why a picture or network could not be classified.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// One class and its probability.
    public struct RankedClass: Sendable, Equatable {
        /// The class's index among the network's outputs.
        public let index: Int
        /// The class's name (its index when the network has no class names).
        public let label: String
        public let probability: Double
    }

    /// What the network made of one picture.
    public struct Reading: Sendable {
        /// The 28×28 MNIST-style image the network was given (before input scaling).
        public let seen: GrayImage
        /// The classes, most likely first (`top` of them).
        public let ranked: [RankedClass]
    }

    /// Prepares `picture` (any size, dark on light or light on dark) and classifies it. Throws
    /// when the picture holds no digit (blank) or the network fails.
    public func classify(_ picture: GrayImage, top: Int = 3) throws(Failure) -> Reading {
        let seen: GrayImage
        do {
            seen = try Self.prepare(picture, name: "the drawing")
        } catch {
            throw Failure(error.message)
        }
        let p: [Double]
        do {
            p = try probabilities(of: try input(seen))
        } catch {
            throw Failure(CommandError(error).message)
        }
        return Reading(seen: seen, ranked: rank(p, top: top))
    }

    /// Step 1: the picture in MNIST's form.
    static func prepare(_ picture: GrayImage, name: String) throws(DataError) -> GrayImage {
        try DigitPreprocessing.mnistStyle(picture, name: name)
    }

    /// Refuses a network whose input is not one prepared picture.
    static func checkInputs(of net: NetworkObject, parameter: String) throws(CommandError) {
        let width = DigitPreprocessing.fieldSize * DigitPreprocessing.fieldSize
        guard net.network.inputWidth == width else {
            let n = net.network.inputWidth
            throw CommandError("the network takes \(n) input\(n == 1 ? "" : "s"), but a prepared picture has \(width) (28×28)", parameter: parameter)
        }
    }

    /// Step 2: the prepared picture as the network's 1 × 784 input row.
    func input(_ seen: GrayImage) throws(DataError) -> Matrix<Double> {
        var x = Matrix<Double>(rows: 1, columns: seen.pixels.count, storage: seen.pixels.map(Double.init))
        if let s = net.scaling { try s.apply(to: &x) }
        return x
    }

    /// Step 3: the network's outputs for one input row, as probabilities.
    func probabilities(of x: Matrix<Double>) throws(EngineError) -> [Double] {
        lock.lock()
        defer { lock.unlock() }
        let outputs = try net.network.predict(x).row(0)
        let isSoftmax = net.network.outputActivation == .softmax
        let total = outputs.reduce(0) { $0 + max(0, $1) }
        return isSoftmax || total <= 0 ? outputs : outputs.map { max(0, $0) / total }
    }

    /// The `top` most likely classes, most likely first.
    func rank(_ p: [Double], top: Int) -> [RankedClass] {
        let ranked = p.indices.sorted { p[$0] > p[$1] }
        return ranked.prefix(max(1, top)).map { RankedClass(index: $0, label: label(of: $0), probability: p[$0]) }
    }

    /// A class's name as the network knows it (escaped for the terminal), else its index.
    func label(of c: Int) -> String {
        PrintableText.escaping(net.classNames.flatMap { $0.indices.contains(c) ? $0[c] : nil } ?? String(c))
    }
}
