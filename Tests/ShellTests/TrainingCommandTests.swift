import Foundation
import Testing
import Engine
@testable import Shell

/// `train` with schedules, holdout, early stopping and keep_best; `resume` after a pause.
/// Pauses are triggered by the session's interrupt check (a counter here, as Ctrl-C's
/// `Interrupt.isRequested` is one process-wide flag other tests running in parallel would see).
@Suite struct TrainingCommandTests {
    static let setup = """
        set precision float64
        set seed 3
        d = runge n=50 noise=0.05 seed=2
        n = network 1
        add n dense 6 tanh
        add n dense 1 linear
        """

    static func network(_ session: Session, _ name: String = "n") throws -> Network<Double> {
        guard case .object(let o)? = session.interpreter.globals[name], let net = o as? NetworkObject,
              case .double(let n) = net.network else {
            throw ShellTestFailure("no float64 network \(name)")
        }
        return n
    }

    static func figures(_ h: TrainingHistory) -> [[Double?]] {
        h.epochs.map { [Double($0.epoch), $0.trainingLoss, $0.validationLoss, Double($0.samples), $0.learningRate] }
    }

    /// Ctrl-C after batch k, then `resume n`: the same weights, history figures and session
    /// generator as a run never paused (options with a schedule, a holdout and patience).
    @Test(arguments: [2, 4, 9, 13])
    func pauseThenResumeEqualsAnUninterruptedRun(pauseAfter: Int) throws {
        let train = "train n d epochs=4 batch=10 lr=0.02 holdout=0.2 schedule=exp gamma=0.8 patience=10 quiet"
        let (a, _) = makeSession()
        #expect(runShell(Self.setup + "\n" + train, in: (a, OutputCollector())).succeeded)

        let (b, out) = makeSession()
        #expect(runShell(Self.setup, in: (b, out)).succeeded)
        var polls = 0
        b.interpreter.isInterrupted = { polls += 1; return polls == pauseAfter }
        let paused = runShell(train, in: (b, out))
        let error = try #require(paused.error)
        #expect(error.message.hasPrefix("training paused by Ctrl-C in epoch"), "\(error.message)")
        #expect(error.message.hasSuffix("resume n goes on from there"))
        b.interpreter.isInterrupted = { false }
        #expect(runShell("print n.paused", in: (b, out)).output == "true\n")
        #expect(runShell("resume n", in: (b, out)).succeeded)
        #expect(runShell("print n.paused", in: (b, out)).output == "false\n")
        #expect(try Self.network(b).layers == Self.network(a).layers)
        #expect(Self.figures(try Self.network(b).history) == Self.figures(try Self.network(a).history))
        #expect(b.interpreter.generator == a.interpreter.generator)
        let again = runShell("resume n", in: (b, out))
        #expect(again.error?.message == "n has no paused training run (Ctrl-C during train pauses one)")
    }

    /// The first paper's λ (`l2_paper=`, `l1_paper=`) trains exactly as nnsh's converted
    /// penalties, l2 = λ/batch and l1 = λ/(2·batch), and differs from taking λ as nnsh's own.
    @Test(arguments: [
        ("l2_paper=0.5", "l2=(0.5 / 8)", "l2=0.5"),
        ("l1_paper=0.02", "l1=(0.02 / (2 * 8))", "l1=0.02"),
        ("l1_paper=0.02 l2_paper=0.5", "l1=(0.02 / 16) l2=(0.5 / 8)", "l1=0.02 l2=0.5"),
    ])
    func paperPenaltiesConvertForTheBatch(_ paper: String, _ converted: String, _ unconverted: String) throws {
        func trained(_ penalty: String) throws -> Network<Double> {
            let (s, out) = makeSession()
            let result = runShell(Self.setup + "\ntrain n d epochs=3 batch=8 lr=0.02 quiet " + penalty, in: (s, out))
            #expect(result.succeeded, "\(result.error?.message ?? "")")
            return try Self.network(s)
        }
        let a = try trained(paper), b = try trained(converted), c = try trained(unconverted)
        #expect(a.layers == b.layers)
        #expect(Self.figures(a.history) == Self.figures(b.history))
        #expect(a.layers != c.layers)
    }

    @Test func aPenaltyIsGivenOneWayOnly() {
        let (s, out) = makeSession()
        let result = runShell(Self.setup + "\ntrain n d l2=0.1 l2_paper=1 quiet", in: (s, out))
        #expect(result.error?.message == "give either l2= or l2_paper= (the paper's λ, converted to l2), not both")
    }

    /// `set skip_zero_inputs` is true by default and takes true or false.
    @Test func skipZeroInputsSetting() throws {
        let (s, out) = makeSession()
        #expect(runShell("print (set skip_zero_inputs)", in: (s, out)).output == "true\n")
        #expect(runShell("set skip_zero_inputs false\nprint (set skip_zero_inputs)", in: (s, out)).output == "false\n")
        #expect(s.interpreter.skipsZeroInputs == false)
        #expect(runShell("set skip_zero_inputs true", in: (s, out)).succeeded)
        #expect(s.interpreter.skipsZeroInputs)
    }

    /// `resume` prints the rest of the epochs, numbered as in the run.
    @Test func resumePrintsTheRemainingEpochs() throws {
        let (s, out) = makeSession()
        #expect(runShell(Self.setup, in: (s, out)).succeeded)
        var polls = 0
        s.interpreter.isInterrupted = { polls += 1; return polls == 8 }   // once before the statement, then per batch
        let paused = runShell("train n d epochs=3 batch=10 schedule=step step_every=1 gamma=0.5 lr=0.04", in: (s, out))
        #expect(paused.error?.message == "training paused by Ctrl-C in epoch 2 of 3, after batch 2 of 5; weights, history and optimizer state are kept: resume n goes on from there")
        #expect(paused.output.hasPrefix("epoch 1/3  loss "))
        #expect(paused.error?.isInterruption == true)
        s.interpreter.isInterrupted = { false }
        let resumed = runShell("resume n\nprint n.history.lr", in: (s, out))
        let lines = resumed.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(resumed.output)")
        #expect(lines.first?.hasPrefix("epoch 2/3  loss ") == true)
        #expect(lines.first?.hasSuffix("lr 0.02") == true)
        #expect(lines.last == "[0.04, 0.02, 0.01]")
    }

    /// A diverging learning rate stops with the layer named and the last good epoch restored.
    @Test func divergingLearningRateNamesTheLayer() throws {
        let (s, out) = makeSession()
        #expect(runShell(Self.setup, in: (s, out)).succeeded)
        let r = runShell("""
            set precision float32
            m = network 1
            add m dense 8 relu
            add m dense 1 linear
            train m d epochs=40 batch=50 optimizer=sgd lr=50 quiet
            """, in: (s, out))
        let error = try #require(r.error)
        #expect(error.message.contains("layer 2 (8→1 linear)") || error.message.contains("layer 1 (1→8 relu)"), "\(error.message)")
        #expect(error.message.contains("restored to the end of epoch"))
        #expect(error.message.hasSuffix("(a lower lr may help)"))
        guard case .object(let o)? = s.interpreter.globals["m"], let object = o as? NetworkObject,
              case .float(let net) = object.network else { throw ShellTestFailure("no float32 network m") }
        #expect(net.layers.allSatisfy { $0.weights.storage.allSatisfy(\.isFinite) })
        #expect(net.history.epochs.allSatisfy { $0.trainingLoss.isFinite })
    }

    @Test func keepBestIsLabelledAsTestSetSelection() throws {
        let (s, out) = makeSession()
        let r = runShell(Self.setup + "\nt = runge n=30 seed=9\ntrain n d epochs=6 batch=10 lr=0.03 keep_best=t", in: (s, out))
        #expect(r.succeeded)
        let lines = r.output.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines.prefix(6).allSatisfy { $0.contains("test_loss") && !$0.contains("val_loss") })
        #expect(lines.last?.hasPrefix("best epoch ") == true)
        #expect(lines.last?.contains("chosen on the TEST set t — optimistic: test_mse ") == true, "\(lines.last ?? "")")
    }

    @Test func inspectPrintsATable() throws {
        let (s, out) = makeSession()
        #expect(runShell(Self.setup + "\ntrain n d epochs=2 quiet", in: (s, out)).succeeded)
        let plain = runShell("inspect n", in: (s, out)).output.split(separator: "\n").map(String.init)
        #expect(plain.count == 4)
        #expect(plain[0].hasPrefix("layer  shape  activation"))
        #expect(plain[1].hasPrefix("1      1×6    tanh") && plain[1].hasSuffix("-"))
        #expect(plain[3].hasPrefix("weight norms only"))
        let withData = runShell("inspect n d", in: (s, out)).output.split(separator: "\n").map(String.init)
        #expect(withData.count == 4)
        #expect(withData[1].hasSuffix("%"), "\(withData[1])")
        #expect(withData[3].hasPrefix("gradients: of the mean cost over d (50 examples)"))
        let wide = runShell("w = runge n=5 seed=1 degree=2\ninspect n w", in: (s, out))
        #expect(wide.error?.message == "the data has 2 features per example but the network takes 1")
    }

    @Test func inspectWritesItsTableAsSVGOrCSV() throws {
        let (s, out) = makeSession()
        #expect(runShell(Self.setup + "\ntrain n d epochs=2 quiet", in: (s, out)).succeeded)
        let stem = NSTemporaryDirectory() + "/nnsh-inspect-\(UUID().uuidString)"
        let svg = stem + ".svg", csv = stem + ".csv"
        defer { for path in [svg, csv] { try? FileManager.default.removeItem(atPath: path) } }
        let printed = runShell("inspect n d to=\"\(svg)\"", in: (s, out))
        #expect(printed.output.hasSuffix("wrote \(svg)\n"))
        let picture = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(picture.contains("<svg") && picture.contains("Layer health: 1 → 6 tanh → 1 linear on d"))
        // Every cell of the printed table is in the picture.
        let cells = printed.output.split(separator: "\n").prefix(3).flatMap { $0.split(separator: " ") }
        #expect(cells.count > 15 && cells.allSatisfy { picture.contains(">\($0)<") })
        #expect(runShell("inspect n d to=\"\(csv)\"", in: (s, out)).succeeded)
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "layer,shape,activation,‖W‖,‖b‖,‖∂W‖,‖∂b‖,dead,saturated")
        #expect(rows.count == 3 && rows[1].hasPrefix("1,1×6,tanh,"))
        let bad = runShell("inspect n to=\"table.png\"", in: (s, out))
        #expect(bad.error?.message == "to: cannot tell what to write to 'table.png': name a .svg or .csv file")
    }

    @Test(arguments: [
        ("train n d patience=3", "patience= needs validation data: add validate=DATASET or holdout=0.1"),
        ("train n d holdout=0.1 validate=d", "give either validate= or holdout=, not both"),
        ("train n d keep_best=d holdout=0.2", "keep_best= scores the epochs on its own set; leave out validate= and holdout="),
        ("train n d schedule=cosine gamma=0.5", "gamma= belongs to schedule=step or schedule=exp"),
        ("train n d step_every=3", "step_every= belongs to schedule=step"),
        ("train n d min_delta=0.1", "min_delta= needs patience= or keep_best="),
        ("train n d holdout=0", "the holdout fraction must be between 0 and 1 (exclusive), got 0.0"),
        ("resume n", "n has no paused training run (Ctrl-C during train pauses one)"),
    ])
    func badOptionsGiveOneLine(_ command: String, _ message: String) throws {
        let (s, out) = makeSession()
        #expect(runShell(Self.setup, in: (s, out)).succeeded)
        let r = runShell(command, in: (s, out))
        #expect(r.error?.message == message)
    }

    /// A pause says where it fell in the run, and in the whole history after a first run.
    @Test func aPauseNamesTheEpochOfTheRun() throws {
        let (s, out) = makeSession()
        #expect(runShell(Self.setup + "\ntrain n d epochs=3 batch=10 quiet", in: (s, out)).succeeded)
        var polls = 0
        s.interpreter.isInterrupted = { polls += 1; return polls == 8 }   // before the statement, then per batch
        let paused = runShell("train n d epochs=4 batch=10 quiet", in: (s, out))
        #expect(paused.error?.message.hasPrefix("training paused by Ctrl-C in epoch 2 of 4 (epoch 5 in all), after batch 2 of 5;") == true,
                "\(paused.error?.message ?? "")")
    }
}

struct ShellTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
