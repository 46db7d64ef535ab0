import Foundation
import Testing
@testable import Shell

/// Runs the nnsh part of `Scripts/demo.sh` (`Models/demo.nnsh`) against the shipped models
/// `Models/mnist.nnm` and `Models/mnist-cnn.nnm`, as the demo does, and checks the predicted
/// labels: a damaged or badly trained model file fails here.
@Suite struct DemoScriptTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs Models/demo.nnsh with `arguments` (the tests run from the package root, as the
    /// demo does, so its relative paths work); returns its output lines.
    static func runDemo(_ arguments: [String]) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("Models/demo.nnsh"), encoding: .utf8)
        #expect(FileManager.default.fileExists(atPath: "Models/demo.nnsh"), "tests must run from the package root")
        let (session, out) = makeSession()
        session.scriptArguments = arguments
        let result = session.execute(text, file: "Models/demo.nnsh")
        if case .error(let e) = result { Issue.record("demo failed:\n\(e.rendered())") }
        return out.take().split(separator: "\n").map(String.init)
    }

    /// `classify`'s line for the drawn 3: "3  (p=1.000)", and the CNN's: "CNN: 3  (p=1.000)".
    @Test func classifiesTheDrawnDigitAsAThree() throws {
        let lines = try Self.runDemo([])
        #expect(lines.first == "model: <network 784 → 300 relu → 10 softmax, 238510 parameters>")
        #expect(lines.dropFirst().first == "cnn model: \(Self.cnnDescription)")
        let predictions = lines.filter { $0.contains("  (p=") && !$0.hasPrefix("test digit") }
        #expect(predictions.count == 2)
        for (prefix, line) in zip(["3  (p=", "CNN: 3  (p="], predictions) {
            let p = Double(line.split(separator: "=").last?.dropLast() ?? "")
            #expect(line.hasPrefix(prefix), "\(predictions)")
            #expect((p ?? 0) > 0.9, "\(line)")
        }
        #expect(!lines.contains { $0.hasPrefix("test digit") })   // no MNIST part without the argument
    }

    /// How `print` shows the shipped CNN (Scripts/train-digit-cnn.nnsh's architecture).
    static let cnnDescription = "<network 1×28×28 → conv 32 3×3 stride 1 padding 0 relu → maxpool 2×2 stride 2 → "
        + "conv 64 3×3 stride 1 padding 0 relu → maxpool 2×2 stride 2 → dropout 0.25 → 128 relu → dropout 0.5 → "
        + "10 softmax, 225034 parameters>"

    /// The best shipped MLP (Models/best-mlp.nnm, with dropout layers) loads and reads the drawn 3.
    @Test func bestModelLoadsAndClassifiesTheDrawnDigit() throws {
        let r = runShell("""
            m = load "Models/best-mlp.nnm"
            print m
            c = classify m "Models/drawn-3.png" quiet
            print c.class (c.p > 0.9)
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "<network 784 → dropout 0.1 → 800 relu → dropout 0.3 → 800 relu → dropout 0.3 → 10 softmax, 1276810 parameters>")
        #expect(lines.last == "3 true")
    }

    /// The first five official test digits are 7 2 1 0 4; both shipped models get all of them.
    @Test func classifiesTheFirstTestDigits() throws {
        guard FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("Data/mnist/t10k-images-idx3-ubyte").path) else {
            print("skipping: Data/mnist is absent")
            return
        }
        let lines = try Self.runDemo(["mnist"])
        let digits = lines.filter { $0.hasPrefix("test digit ") }
        #expect(digits.count == 5)
        let labels = digits.compactMap { $0.firstMatch(of: /label (\d), predicted (\d)/) }
        #expect(labels.map { Int($0.1) } == [7, 2, 1, 0, 4])
        #expect(labels.map { Int($0.2) } == [7, 2, 1, 0, 4])
        let cnn = digits.compactMap { $0.firstMatch(of: /; CNN (\d)  \(p=/) }
        #expect(cnn.map { Int($0.1) } == [7, 2, 1, 0, 4])
        #expect(lines.contains { $0.hasPrefix("3  (p=") })   // and the drawn digit after them
    }
}
