import Data
import Engine
import Foundation
import Testing
@testable import Shell

/// A hand-made classifier and data set whose figures are worked out by hand.
///
/// 3×3 images of classes cat, dog, bird; pixel c (c < 3) lit means "predicted c": the network
/// is the identity on the first three pixels, then softmax. Rows (true → predicted):
/// cat→cat ×3, cat→dog, dog→cat, dog→dog ×2, bird→dog ×2, so the confusion matrix is
/// [[3, 1, 0], [1, 2, 0], [0, 2, 0]] (the matrix of ConfusionMatrixTests): precision
/// (3/4, 2/5, 0), recall (3/4, 2/3, 0), F1 (3/4, 1/2, 0), accuracy 5/9.
/// Top-2: a lit pixel leaves the other two classes tied, ranked by class number: the bird
/// examples (lit dog) rank cat before bird, so they miss; every other example hits: 7/9.
enum HandMade {
    static let truth = [0, 0, 0, 0, 1, 1, 1, 2, 2]
    static let predicted = [0, 0, 0, 1, 0, 1, 1, 1, 1]

    static func session() throws -> (Session, OutputCollector) {
        let s = makeSession()
        var pixels: [UInt8] = []
        for p in predicted {
            var image = [UInt8](repeating: 0, count: 9)
            image[p] = 200
            image[8] = 90
            pixels += image
        }
        let data = try Dataset(name: "pets", features: .pixels(pixels), inputWidth: 9,
                               targets: .classes(labels: truth, classCount: 3), classNames: ["cat", "dog", "bird"],
                               imageShape: ImageShape(rows: 3, columns: 3))
        var w = Matrix<Double>(rows: 9, columns: 3)
        for c in 0..<3 { w[c, c] = 1 }
        let net = try Network<Double>(inputWidth: 9, layers: [DenseLayer(weights: w, bias: [0, 0, 0], activation: .softmax)])
        s.0.interpreter.globals["net"] = .object(NetworkObject(.double(net)))
        s.0.interpreter.globals["pets"] = .object(DatasetObject(data))
        return s
    }
}

@Suite struct EvalCommandTests {
    @Test func classificationFieldsAreTheHandWorkedFigures() throws {
        let s = try HandMade.session()
        let r = runShell("""
            e = eval net pets top=2
            print e.count e.accuracy e.confusion
            print e.precision e.recall e.f1
            print e.macro_precision e.macro_recall e.macro_f1
            print e.top e.top_accuracy e.classes
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines[0] == "9 0.555556 [[3, 1, 0], [1, 2, 0], [0, 2, 0]]")
        #expect(lines[1] == "[0.75, 0.4, 0] [0.75, 0.666667, 0] [0.75, 0.5, 0]")
        #expect(lines[2] == "0.383333 0.472222 0.416667")
        #expect(lines[3] == #"2 0.777778 ["cat", "dog", "bird"]"#)
    }

    /// The report printed by `eval` on its own: the summary line, the per-class table and the
    /// confusion matrix (no colour: the session is not a terminal). A stored snapshot.
    @Test func reportSnapshot() throws {
        let s = try HandMade.session()
        let r = runShell("eval net pets top=2", in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let expected = """
            accuracy 55.56%  top-2 accuracy 77.78%  macro f1 0.4167  loss 0.9972  (9 examples)

            class      precision  recall      f1  examples  predicted
            ─────────  ─────────  ──────  ──────  ────────  ─────────
            cat           0.7500  0.7500  0.7500         4          4
            dog           0.4000  0.6667  0.5000         3          5
            bird          0.0000  0.0000  0.0000         2          0
            macro avg     0.3833  0.4722  0.4167         9          9

            """
        #expect(r.output.hasPrefix(expected), "\(r.output)")
        #expect(!r.output.contains("\u{1B}"))
        #expect(r.output.contains("Confusion matrix"))
    }

    @Test func perClassTableSnapshot() {
        var m = ConfusionMatrix(classes: 3)
        m.counts = [[50, 2, 0], [3, 41, 6], [0, 9, 39]]
        let text = ClassReport.table(m, names: ["cat", "dog", "bird"]).renderTerminal()
        #expect(text == """
            class      precision  recall      f1  examples  predicted
            ─────────  ─────────  ──────  ──────  ────────  ─────────
            cat           0.9434  0.9615  0.9524        52         53
            dog           0.7885  0.8200  0.8039        50         52
            bird          0.8667  0.8125  0.8387        48         45
            macro avg     0.8662  0.8647  0.8650       150        150
            """)
    }

    @Test func regressionAgainstNoisyTargetsAndTheTrueFunction() {
        let s = makeSession()
        let r = runShell("""
            set precision float64
            set seed 3
            d = runge n=40 noise=0.2 seed=5
            net = network 1
            add net dense 8 tanh
            add net dense 1 linear
            train net d epochs=60 batch=8 optimizer=adam lr=0.02 quiet
            e = eval net d
            print (e.mse > 0) (e.true_mse > 0) (e.log10_mse == (log10 e.mse)) (e.log10_true_mse == (log10 e.true_mse))
            print (e.mae > 0) (e.true_r2 <= 1) (e.r2 <= 1)
            eval net d
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines[0] == "true true true true")
        #expect(lines[1] == "true true true")
        #expect(lines[2].hasPrefix("noisy targets:  mse "))
        #expect(lines[3].hasPrefix("true f(x):      mse "))
        #expect(lines[2].contains("log10(mse)") && lines[2].contains("mae") && lines[2].contains("r2"))
        let off = runShell("f = eval net d truth=false\nprint f.true_mse", in: s)
        #expect(off.error?.message.hasPrefix("no field 'true_mse'") == true, "truth=false leaves the true scores out")
    }

    /// truth=runge computes f(x) from the only feature: a perfect "network" f is then exact
    /// against the truth; with x² as a second feature and no raw x, it cannot.
    @Test func truthRungeFromTheOnlyFeature() throws {
        let s = makeSession()
        // A 1→1 linear network y = 0·x + 0.5 against f(x) at x = 0 and 0.2: f = 1 and 0.5.
        let net = try Network<Double>(inputWidth: 1, layers: [DenseLayer(weights: Matrix([[0]]), bias: [0.5], activation: .linear)])
        let data = try Dataset(name: "xs", features: .double([0, 0.2]), inputWidth: 1,
                               targets: .values(Matrix(rows: 2, columns: 1, storage: [0.5, 0.5])))
        s.0.interpreter.globals["net"] = .object(NetworkObject(.double(net)))
        s.0.interpreter.globals["xs"] = .object(DatasetObject(data))
        let r = runShell("""
            e = eval net xs truth=runge
            print e.mse e.true_mse e.true_mae
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        // Against the truth (1, 0.5): residuals (−0.5, 0): MSE 0.125, MAE 0.25.
        #expect(r.output == "0 0.125 0.25\n")
        let plain = runShell("g = eval net xs\nprint g.true_mse", in: s)
        #expect(plain.error?.message.hasPrefix("no field 'true_mse'") == true, "no truth unless asked for or known")
        let bad = runShell("eval net xs truth=true", in: s)
        #expect(bad.error?.message.contains("does not know its true function") == true)
    }

    @Test func predictTakesAPictureLikeClassify() throws {
        let path = "/tmp/nnsh-predict-one-\(getpid()).pgm"
        try ClassifyTests.writeOne(to: path)
        let r = runShell("""
            set seed 4
            net = network 784
            add net dense 10 softmax
            p = predict net "\(path)"
            k = predict net "\(path)" classes
            c = classify net "\(path)" quiet
            print (len p) (k == c.class) ((abs ((sum p) - 1)) < 1e-6)
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output.hasSuffix("10 true true\n"), "\(r.output)")
        let wrong = runShell("net = network 3\nadd net dense 1 linear\npredict net \"\(path)\"")
        #expect(wrong.error?.message == "the network takes 3 inputs, but a prepared picture has 784 (28×28)")
    }

    @Test func badOptionsAreOneLineErrors() throws {
        let s = try HandMade.session()
        #expect(runShell("eval net pets top=0", in: s).error?.message.contains("top") == true)
        let png = runShell("eval net pets to=\"/tmp/nnsh-eval.png\"", in: s)
        #expect(png.error?.message == "to: cannot tell what to write to '/tmp/nnsh-eval.png': name a .svg or .csv file")
        let truth = runShell("eval net pets truth=runge", in: s)
        #expect(truth.error?.message.contains("truth=runge needs regression data") == true)
        let regression = makeSession()
        runShell("d = runge n=5 degree=2\nnet = network 2\nadd net dense 1 linear", in: regression)
        #expect(runShell("eval net d top=2", in: regression).error?.message
                == "top: top-k accuracy needs class data; runge has values as targets")
        let table = "/tmp/nnsh-two-inputs-\(getpid()).csv"
        try "a,b,y\n1,2,3\n2,1,3\n0,1,1\n".write(toFile: table, atomically: true, encoding: .utf8)
        let svg = runShell("t = csv \"\(table)\" target=\"y\"\neval net t to=\"/tmp/nnsh-fit-2.svg\"", in: regression)
        #expect(svg.error?.message == "to: an SVG of a fit needs data with one input and one target; write a .csv file of the metrics instead")
        #expect(runShell("eval net t to=\"/tmp/nnsh-fit-2-\(getpid()).csv\"", in: regression).succeeded)
    }
}

@Suite struct ViewFileTests {
    static func path(_ name: String) -> String { "/tmp/nnsh-views-\(getpid())-\(name)" }

    @Test func evalWritesTheConfusionMatrixAsSVGAndTheClassTableAsCSV() throws {
        let s = try HandMade.session()
        let svg = Self.path("cm.svg"), csv = Self.path("cm.csv")
        let r = runShell("e = eval net pets to=\"\(svg)\"\neval net pets to=\"\(csv)\"", in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let check = SVGCheck(file: svg)
        #expect(check.parsed, "\(check.error ?? "")")
        for label in ["Confusion matrix: pets, accuracy 55.56%", "true", "predicted", "cat", "dog", "bird"] {
            #expect(check.texts.contains(label), "missing \(label)")
        }
        let table = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(table.hasPrefix("class,precision,recall,f1,examples,predicted\ncat,0.75,0.75,0.75,4,4\ndog,0.4,"))
        #expect(table.contains("\nbird,0.0,0.0,0.0,2,0\n"))
    }

    @Test func heatmapOfAnEvalRecordUsesTheClassNames() throws {
        let s = try HandMade.session()
        let svg = Self.path("heat.svg"), csv = Self.path("heat.csv")
        let r = runShell("e = eval net pets\nheatmap e to=\"\(svg)\"\nheatmap e to=\"\(csv)\"", in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output.contains("wrote \(svg)"))
        let check = SVGCheck(file: svg)
        #expect(check.parsed)
        #expect(check.texts.contains("bird") && check.texts.contains("predicted"))
        #expect(try String(contentsOfFile: csv, encoding: .utf8) == """
            true \\ predicted,cat,dog,bird
            cat,3.0,1.0,0.0
            dog,1.0,2.0,0.0
            bird,0.0,2.0,0.0

            """)
    }

    @Test func learningCurvesAsSVGAndHistoryAsCSV() throws {
        let svg = Self.path("curves.svg"), csv = Self.path("curves.csv")
        let r = runShell("""
            set seed 1
            d = runge n=20 seed=2
            net = network 1
            add net dense 4 tanh
            add net dense 1 linear
            train net d epochs=3 quiet validate=d
            plot net.history to="\(svg)" title="Runge curves"
            plot net.history to="\(csv)"
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let check = SVGCheck(file: svg)
        #expect(check.parsed, "\(check.error ?? "")")
        for label in ["Runge curves", "epoch", "loss", "train loss", "validation loss"] {
            #expect(check.texts.contains(label), "missing \(label)")
        }
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "epoch,loss,metric,val_loss,val_metric,metric_name,samples,seconds")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("1,"))
    }

    @Test func metricCurvesNameTheMetric() throws {
        let svg = Self.path("metric.svg")
        let r = runShell("""
            set seed 1
            d = runge n=20 seed=2
            net = network 1
            add net dense 1 linear
            train net d epochs=2 quiet validate=d
            plot net.history metric to="\(svg)"
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let check = SVGCheck(file: svg)
        #expect(check.parsed)
        #expect(check.texts.contains("train mse") && check.texts.contains("validation mse"))
    }

    @Test func fitChartHasDataTruthAndNetwork() throws {
        let svg = Self.path("fit.svg"), csv = Self.path("fit.csv")
        let r = runShell("""
            set seed 1
            d = runge n=12 noise=0.05 seed=2
            net = network 1
            add net dense 4 tanh
            add net dense 1 linear
            eval net d to="\(svg)"
            plot net d to="\(csv)"
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let check = SVGCheck(file: svg)
        #expect(check.parsed)
        for label in ["x", "y", "data", "true f(x)", "network"] {
            #expect(check.texts.contains(label), "missing \(label)")
        }
        #expect(check.texts.contains { $0.hasPrefix("Fit: runge, log10(mse) ") && $0.contains(", against f(x) ") })
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "series,x,y")
        #expect(lines.filter { $0.hasPrefix("data,") }.count == 12, "the data stay dots, one per example")
        #expect(lines.filter { $0.hasPrefix("true f(x),") }.count == FitChart.gridSize)
        #expect(lines.filter { $0.hasPrefix("network,") }.count == FitChart.gridSize)
        #expect(lines.count == 1 + 12 + 2 * FitChart.gridSize)
    }

    /// The curves of "series,x,y" rows in a fit's CSV, by series name.
    static func curves(_ csv: String) -> [String: [(x: Double, y: Double)]] {
        var out: [String: [(x: Double, y: Double)]] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            guard parts.count == 3, let x = Double(parts[1]), let y = Double(parts[2]) else { continue }
            out[String(parts[0]), default: []].append((x, y))
        }
        return out
    }

    /// On a 4-point test split the true f(x) line passed 0.16 at x = 0, where f(0) = 1: both
    /// curves are drawn on a dense grid over the data's range.
    @Test func fitCurvesAreDenseBetweenTheData() throws {
        let csv = Self.path("sparse-fit.csv")
        let r = runShell("""
            set seed 1
            d = runge n=40 noise=0.05 seed=2
            s = split d 0.9 seed=1
            net = network 1
            add net dense 8 tanh
            add net dense 1 linear
            plot net s.test to="\(csv)"
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let curves = Self.curves(try String(contentsOfFile: csv, encoding: .utf8))
        let data = try #require(curves["data"]), truth = try #require(curves["true f(x)"])
        #expect(data.count == 4)
        #expect(truth.count > 100, "a curve, not the 4 data x values: \(truth.count) points")
        let xs = data.map(\.x)
        #expect(truth.first?.x == xs.min() && truth.last?.x == xs.max(), "over the data's own range")
        for point in truth { #expect(abs(point.y - 1 / (1 + 25 * point.x * point.x)) < 1e-12) }
        if xs.min()! < -0.05 && xs.max()! > 0.05 {
            let nearZero = try #require(truth.min { abs($0.x) < abs($1.x) })
            #expect(nearZero.y > 0.9, "f near 0 is near 1: \(nearZero)")
        }
    }

    /// Polynomial and standardized features are made again from x on the grid: the network's
    /// curve meets its predictions at the data's x values.
    @Test func fitCurveOfPolynomialFeaturesMeetsThePredictions() throws {
        let csv = Self.path("poly-fit.csv")
        let (s, out) = makeSession()
        let r = runShell("""
            set precision float64
            set seed 1
            d = standardize (poly (runge n=9 noise=0 seed=2) 3)
            net = network 3
            add net dense 5 tanh
            add net dense 1 linear
            plot net d to="\(csv)"
            """, in: (s, out))
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let network = try #require(Self.curves(try String(contentsOfFile: csv, encoding: .utf8))["network"])
        #expect(network.count == FitChart.gridSize)
        guard case .object(let d as DatasetObject)? = s.interpreter.globals["d"],
              case .object(let n as NetworkObject)? = s.interpreter.globals["net"] else {
            Issue.record("no d or net")
            return
        }
        let predictions = try n.network.predict(d.dataset)
        let raw = try #require(d.dataset.rawInput)
        let first = try #require(raw.indices.min { raw[$0] < raw[$1] }), last = try #require(raw.indices.max { raw[$0] < raw[$1] })
        #expect(abs(network[0].y - predictions.storage[first]) < 1e-9)
        #expect(abs(network[network.count - 1].y - predictions.storage[last]) < 1e-9)
    }

    @Test func showAndErrorsDrawImageGridsWithCaptions() throws {
        let s = try HandMade.session()
        let shown = Self.path("show.svg"), wrong = Self.path("errors.svg"), list = Self.path("errors.csv")
        let r = runShell("""
            show pets 0 count=3 to="\(shown)"
            w = errors net pets true="bird" predicted="dog" to="\(wrong)"
            print w
            errors net pets quiet to="\(list)"
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let show = SVGCheck(file: shown)
        #expect(show.parsed)
        #expect(show.texts.contains("cat #0") && show.texts.contains("cat #2"))
        let errors = SVGCheck(file: wrong)
        #expect(errors.parsed)
        #expect(errors.texts.contains("bird→dog #7") && errors.texts.contains("bird→dog #8"))
        #expect(r.output.contains("2 of 9 examples misclassified (true bird, predicted dog)"))
        #expect(r.output.contains("[7, 8]"))
        #expect(!r.output.contains("wrote \(list)"), "quiet writes silently")
        #expect(r.output.contains("wrote \(wrong)"))
        #expect(try String(contentsOfFile: list, encoding: .utf8) == "index,true,predicted\n3,cat,dog\n4,dog,cat\n7,bird,dog\n8,bird,dog\n")
    }

    @Test func errorsNamesUnknownClasses() throws {
        let s = try HandMade.session()
        #expect(runShell("errors net pets true=7", in: s).error?.message == "true: there is no class 7; pets has classes 0 to 2")
        let named = runShell("errors net pets predicted=\"bidr\"", in: s).error?.message ?? ""
        #expect(named.hasPrefix("predicted: no class named 'bidr'; the classes are: cat, dog, bird"))
        #expect(named.contains("bird"))
        #expect(runShell("errors net pets true=1 predicted=0", in: s).output.hasPrefix("1 of 9 examples misclassified (true dog, predicted cat)"))
    }

    @Test func extensionsNameTheFormats() throws {
        #expect(throws: CommandError.self) { try ViewFile.format(of: "a.png", allowed: [.svg]) }
        #expect(throws: CommandError.self) { try ViewFile.format(of: "dir.svg/plain", allowed: [.svg]) }
        #expect(try ViewFile.format(of: "out/Chart.SVG", allowed: [.svg, .csv]) == .svg)
        #expect(try ViewFile.format(of: "t.csv", allowed: [.svg, .csv]) == .csv)
    }
}

@Suite struct TerminalColourTests {
    @Test(arguments: [
        (true, ["TERM": "xterm-256color"], true),
        (false, ["TERM": "xterm-256color"], false),
        (true, ["TERM": "xterm", "NO_COLOR": "1"], false),
        (true, ["TERM": "xterm", "NO_COLOR": "anything"], false),
        (true, ["TERM": "xterm", "NO_COLOR": ""], true),
        (true, ["TERM": "dumb"], false),
        (true, [:], false),
        (true, ["TERM": ""], false),
    ])
    func decision(isTerminal: Bool, environment: [String: String], expected: Bool) {
        #expect(TerminalColour.allowed(isTerminal: isTerminal, environment: environment) == expected)
    }

    /// A session that is not a terminal never colours, whatever it draws.
    @Test func notATerminalDrawsPlainText() throws {
        let s = try HandMade.session()
        let r = runShell("""
            plot [1, 4, 9, 16]
            heatmap [[1, 2], [3, 4]]
            show pets 0 count=2
            errors net pets
            eval net pets
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(!r.output.contains("\u{1B}"))
    }
}
