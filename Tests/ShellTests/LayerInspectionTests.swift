import Foundation
import Testing
import Engine
@testable import Shell

/// A network's numbers at the prompt (issue 19): `net.layers[i].weights` / `.biases` are the
/// engine's matrices, printed summarised as NumPy and Julia do and drawn by `heatmap`; `pop`
/// removes the last layer as Keras' `model.pop()` does.
@Suite struct LayerInspectionTests {
    static func network(_ session: Session, _ name: String = "net") throws -> AnyNetwork {
        guard case .object(let net as NetworkObject)? = session.interpreter.globals[name] else {
            throw ShellTestFailure("no network \(name)")
        }
        return net.network
    }

    static let build = """
        set seed 7
        net = network 4 precision=float64
        add net dense 3 relu
        add net dense 2 softmax
        """

    @Test func layersListTheDenseLayersWithTheirShapes() {
        let r = runShell(Self.build + "\nprint net.layers.count net.layers[0].inputs net.layers[0].outputs net.layers[1].activation net.layers[-1].parameters")
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == "2 4 3 softmax 8\n")
    }

    @Test func weightsAndBiasesAreTheEnginesNumbers() throws {
        let session = makeSession()
        let r = runShell("""
            set seed 7
            net = network 4 precision=float64
            add net dense 3 tanh
            add net dense 1 linear
            d = poly (runge n=40 seed=1) degree=4
            train net d epochs=2 quiet
            w = net.layers[0].weights
            print w.rows w.columns
            print w[2][1] w[-1][0]
            print net.layers[1].biases.rows net.layers[1].biases.columns net.layers[1].biases[0][0]
            print w.min w.max w.mean
            """, in: session)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        guard case .double(let n) = try Self.network(session.0) else { throw ShellTestFailure("not float64") }
        let w = n.layers[0].weights, b = n.layers[1].bias
        let low = w.storage.min()!, high = w.storage.max()!, mean = w.storage.reduce(0, +) / Double(w.count)
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(r.output)")
        guard lines.count == 4 else { return }
        #expect(lines[0] == "4 3")
        #expect(lines[1] == "\(formatNumber(w[2, 1])) \(formatNumber(w[3, 0]))")
        #expect(lines[2] == "1 1 \(formatNumber(b[0]))")
        #expect(lines[3] == "\(formatNumber(low)) \(formatNumber(high)) \(formatNumber(mean))")
        #expect(w[2, 1] != 0 && b[0] != 0, "trained weights and biases are not their start values")
    }

    /// Julia's `784×300 Matrix{Float32}:` then the corners, `…` and `⋮` for the rest, each line
    /// within the width; a small matrix prints whole.
    @Test(arguments: [80, 60]) func aLargeMatrixPrintsElidedWithinTheWidth(width: Int) throws {
        let session = makeSession()
        let r = runShell("set seed 3\nnet = network 784\nadd net dense 300 relu\nw = net.layers[0].weights", in: session)
        #expect(r.succeeded)
        let net = try Self.network(session.0)
        guard case .object(let m as MatrixObject)? = session.0.interpreter.globals["w"] else {
            throw ShellTestFailure("weights are not a matrix")
        }
        let text = m.summary(width: width)
        let lines = text.split(separator: "\n").map(String.init)
        let stats = net.weights(layer: 0).statistics
        let head = "layer 0 weights: 784×300 float32"
        let figures = "min \(MatrixObject.cell(stats.minimum!))  max \(MatrixObject.cell(stats.maximum!))  mean \(MatrixObject.cell(stats.mean!))"
        // The statistics share the first line when it fits, else take a line of their own.
        let top = head.count + 2 + figures.count <= width ? 1 : 2
        #expect(top == 1 ? lines[0] == head + ", " + figures : lines[0] == head && lines[1] == "  " + figures)
        #expect(lines.count == top + 10 + 1, "first 5 rows, ⋮, last 5 rows")
        #expect(lines[top + 5].contains("⋮") && lines[top + 5].contains("⋱"))
        #expect(lines.allSatisfy { $0.count <= width }, "\(text)")
        #expect(lines[top].contains("…"))
        // The corners are the engine's numbers: first row's first value, last row's last.
        let w = net.weights(layer: 0)
        #expect(lines[top].split(separator: " ").first.map(String.init) == MatrixObject.cell(w[0, 0]))
        #expect(lines[top + 10].split(separator: " ").last.map(String.init) == MatrixObject.cell(w[783, 299]))

        let small = runShell("net = network 2\nadd net dense 3 relu stddev=0\nnet.layers[0].weights")
        #expect(small.output == "layer 0 weights: 2×3 float32, min 0  max 0  mean 0\n  0  0  0\n  0  0  0\n")
    }

    @Test func heatmapDrawsTheWeightsInTheTerminalAndSVG() throws {
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-weights-\(getpid()).svg").path
        let r = runShell("set seed 2\nnet = network 784\nadd net dense 300 relu\nheatmap net.layers[0].weights to=\"\(svg)\"")
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "layer 0 weights (784×300, means of blocks of 24-25×16-17)")
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(r.output)")
        #expect(lines.contains { $0.hasPrefix("scale: ") })
        #expect(lines.last == "wrote \(svg)")
        let file = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(file.hasPrefix("<svg") || file.hasPrefix("<?xml"))
        #expect(file.contains("layer 0 weights (784×300, means of blocks of 12-13×4-5)"))
        // A small matrix is drawn cell for cell, its values written in.
        let small = runShell("net = network 2\nadd net dense 3 relu stddev=0\nheatmap net.layers[0].biases")
        #expect(small.output.hasPrefix("layer 0 biases (1×3)\n"), "\(small.output)")
    }

    @Test func popRemovesTheLastLayerAndSaysWhat() throws {
        let session = makeSession()
        let r = runShell("""
            net = network 4
            add net dense 3 relu
            add net dropout 0.5
            add net dense 2 softmax
            pop net
            pop net
            print net.layers.count net.outputs
            """, in: session)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == """
            removed the last layer (dense 3→2 softmax, 8 parameters) from net; it is now 4 → 3 relu → dropout 0.5
              cost: mse (the default for relu)
            removed dropout 0.5 from net; it is now 4 → 3 relu
            1 3

            """)
        let empty = runShell("e = network 3\npop e")
        #expect(empty.error?.message == "e has no layers to remove")
        #expect(runShell("e = network 3\nadd e dense 2 relu\npop e\npop e").error?.message == "e has no layers to remove")
    }

    /// A trained network keeps its other weights and its history; the optimiser's state and a
    /// paused run go (they were for the old layers), so training again works and starts afresh.
    @Test func popOnATrainedNetworkKeepsItConsistent() throws {
        let session = makeSession()
        let (s, _) = session
        let setUp = runShell("""
            set seed 4
            d = poly (runge n=40 seed=1) degree=3
            net = network 3 precision=float64
            add net dense 5 tanh
            add net dense 1 linear
            """, in: session)
        #expect(setUp.succeeded)
        var stops = 0
        s.interpreter.isInterrupted = { stops += 1; return stops == 3 }
        let r = runShell("train net d epochs=5 batch=8 optimizer=adam quiet", in: session)
        let said = r.error?.message ?? r.output
        #expect(said.contains("training paused"), "\(said)")
        s.interpreter.isInterrupted = { false }
        guard case .double(let n) = try Self.network(s) else { throw ShellTestFailure("not float64") }
        #expect(n.optimizerState != nil && n.pausedRun != nil, "the run paused, with optimiser state")
        let first = n.layers[0], epochs = n.history.epochs.count
        let popped = runShell("pop net\nprint net.paused net.epochs", in: session)
        #expect(popped.succeeded, "\(popped.error?.rendered() ?? "")")
        #expect(popped.output == """
            removed the last layer (dense 5→1 linear, 6 parameters) from net; it is now 3 → 5 tanh
              dropped its paused run and its optimiser state (the next train starts it afresh)
            false \(epochs)

            """)
        #expect(n.optimizerState == nil && n.pausedRun == nil)
        #expect(n.layers == [first])
        let resumed = runShell("resume net", in: session)
        #expect(resumed.error != nil, "nothing to resume")
        let again = runShell("add net dense 1 linear\ntrain net d epochs=1 batch=8 optimizer=adam quiet\nprint net.layers.count", in: session)
        #expect(again.succeeded, "\(again.error?.rendered() ?? "")")
        #expect(again.output.hasSuffix("2\n"))
    }

    @Test func aLayerRemovedByPopSaysSo() {
        let r = runShell("net = network 2\nadd net dense 3 relu\nl = net.layers[0]\npop net\nprint l.weights")
        #expect(r.error?.message == "layer 0 is no longer in its network (it has 0 layers now)")
        let out = runShell("net = network 2\nadd net dense 3 relu\nprint net.layers[1]")
        #expect(out.error?.message == "index 1 is out of range (1 item, first is 0, last is 0)")
    }
}
