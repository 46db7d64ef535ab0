import Foundation
import Testing
import Data
import Engine
@testable import Shell

/// A network takes the shape of a dataset's examples (`network data`): images as
/// channels×height×width, other data flat.
@Suite struct NetworkShapeTests {
    /// A session holding `digits`, three 28×28 images, and `table`, three rows of 5 features.
    static func session() throws -> (Session, OutputCollector) {
        let s = makeSession()
        let pixels = (0..<3 * 784).map { UInt8($0 % 251) }
        let digits = try Dataset(name: "digits", features: .pixels(pixels), inputWidth: 784,
                                 targets: .classes(labels: [0, 1, 2], classCount: 3),
                                 imageShape: ImageShape(rows: 28, columns: 28))
        let table = try Dataset(name: "table", features: .pixels((0..<15).map { UInt8($0) }), inputWidth: 5,
                                targets: .classes(labels: [0, 1, 0], classCount: 2))
        s.0.interpreter.globals["digits"] = .object(DatasetObject(digits))
        s.0.interpreter.globals["table"] = .object(DatasetObject(table))
        return s
    }

    static func network(_ session: Session, _ name: String) throws -> NetworkObject {
        guard case .object(let net as NetworkObject)? = session.interpreter.globals[name] else {
            throw ShellTestFailure("no network \(name)")
        }
        return net
    }

    @Test func anImageDatasetGivesOneChannelOfItsRowsAndColumns() throws {
        let s = try Self.session()
        let r = runShell("""
            a = network digits
            b = network table precision=float64
            parts = split digits 0.5 seed=1
            c = network parts
            d = network 784
            print a.inputs b.inputs
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == "784 5\n")
        #expect(try Self.network(s.0, "a").network.inputShape == Shape([1, 28, 28]))
        #expect(try Self.network(s.0, "b").network.inputShape == Shape(5))
        #expect(try Self.network(s.0, "b").network.precision == .float64)
        #expect(try Self.network(s.0, "c").network.inputShape == Shape([1, 28, 28]))
        #expect(try Self.network(s.0, "d").network.inputShape == Shape(784))
        #expect(try Self.network(s.0, "a").log == ["network digits (1×28×28) precision=float32"])
        #expect(try Self.network(s.0, "d").log == ["network 784 precision=float32"])
    }

    /// Dense layers read an image as its flat values: the chain and the model file are as
    /// for `network 784` (a dense-only network is saved in format 1.0, which keeps the flat
    /// width, so older nnsh versions read it).
    @Test func aDenseNetworkMadeFromImagesSavesAndLoadsAsAFlatOne() throws {
        let s = try Self.session()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-shape-\(UUID().uuidString).nnm").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = runShell("""
            set seed 3
            net = network digits
            add net dense 4 relu
            add net dense 3 softmax
            print net
            save net "\(path)"
            back = load "\(path)"
            print back.inputs back.parameters
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output.contains("<network 1×28×28 → 4 relu → 3 softmax, 3155 parameters>"), "\(r.output)")
        #expect(r.output.hasSuffix("784 3155\n"), "\(r.output)")
        #expect(try Self.network(s.0, "back").network.inputShape == Shape(784))
    }

    @Test func aRecordWithoutTrainingDataIsRefused() throws {
        let s = try Self.session()
        let r = runShell("""
            set seed 1
            n = network table
            add n dense 2 softmax
            e = eval n table
            net = network e
            """, in: s)
        #expect(r.error?.message == "inputs: expected a whole number from 1 to 100000000 or a dataset or a record with .train, got a record without a .train dataset")
    }
}

/// Layers of every kind in `summary` and `pop` (the conv layer is built through the engine:
/// the language for it comes with its own command).
@Suite struct LayerKindsInTheShellTests {
    /// 1×6×6 → conv 4 3×3 (4×4×4, 4·9 + 4 = 40) → conv 2 3×3 (2×2×2, 2·4·9 + 2 = 74) → dropout
    /// → dense 3 softmax (8·3 + 3 = 27): 141 parameters.
    static func session() throws -> (Session, OutputCollector) {
        let s = makeSession()
        var g = RandomGenerator(seed: 9)
        let net = try AnyNetwork(inputShape: Shape([1, 6, 6]))
        try net.addConvolution(filters: 4, kernel: 3, activation: .relu, generator: &g)
        try net.addConvolution(filters: 2, kernel: 3, activation: .relu, generator: &g)
        try net.addDropout(rate: 0.5)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        s.0.interpreter.globals["net"] = .object(NetworkObject(net))
        return s
    }

    static let chain = "1×6×6 → conv 4 3×3 stride 1 padding 0 relu → conv 2 3×3 stride 1 padding 0 relu → dropout 0.5"

    @Test func summaryShowsEachLayersKindOutputShapeAndParameters() throws {
        let r = runShell("summary net", in: try Self.session())
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == """
            network (float32): \(Self.chain) → 3 softmax
              layer  kind     output  parameters
              1      conv     4×4×4   40
              2      conv     2×2×2   74
              -      dropout  2×2×2   0
              3      dense    3       27
              total parameters: 141; cost: cross_entropy (default for softmax)
              not trained yet

            """)
    }

    /// `inspect` has a row for every layer with parameters: the convolutions' kernels too.
    @Test func inspectListsEveryLayerWithParameters() throws {
        let r = runShell("inspect net", in: try Self.session())
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        // The table and its note, then each conv layer's filters (LayerPictureTests).
        let lines = r.output.split(separator: "\n").map(String.init)
        let rows = Array(lines.prefix { !$0.hasPrefix("layer 1 (conv)") })
        #expect(rows.count == 5, "\(r.output)")
        #expect(lines.contains("layer 2 (conv): 2 filters 3×3, each the mean of its 4 channels"), "\(r.output)")
        guard rows.count == 5 else { return }
        #expect(rows[1].hasPrefix("1      4×1×3×3  relu "), "\(rows[1])")
        #expect(rows[2].hasPrefix("2      2×4×3×3  relu "), "\(rows[2])")
        #expect(rows[3].hasPrefix("3      8×3      softmax "), "\(rows[3])")
    }

    /// `net.layers` are the layers with parameters, of any kind; what only a dense layer has
    /// is refused by kind.
    @Test func layersOfEveryKindAreListedAndDenseFieldsRefusedByKind() throws {
        let s = try Self.session()
        let r = runShell("""
            print net.layers.count net.layers[0].kind net.layers[1].output net.layers[1].parameters
            print net.layers[2].kind net.layers[2].inputs net.layers[2].dropout net.layers[2].weights.rows
            print net.layers[1]
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == """
            3 conv 2×2×2 74
            dense 8 0.5 8
            <layer 1: conv 2 3×3 stride 1 padding 0 relu, 74 parameters>

            """)
        let refused = runShell("w = net.layers[0].weights", in: s)
        #expect(refused.error?.message == "layer 0 is a conv layer (conv 4 3×3 stride 1 padding 0 relu); .weights is a dense layer's")
    }

    @Test func popRemovesALayerOfAnyKindAndSaysWhichKind() throws {
        let s = try Self.session()
        let r = runShell("pop net\npop net\npop net\nprint net.cost\nsummary net", in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == """
            removed the last layer (dense 8→3 softmax, 27 parameters) from net; it is now \(Self.chain)
            removed dropout 0.5 from net; it is now 1×6×6 → conv 4 3×3 stride 1 padding 0 relu → conv 2 3×3 stride 1 padding 0 relu
            removed the last conv layer (conv 2 3×3 stride 1 padding 0 relu, 74 parameters) from net; it is now 1×6×6 → conv 4 3×3 stride 1 padding 0 relu
            none
            network (float32): 1×6×6 → conv 4 3×3 stride 1 padding 0 relu
              layer  kind  output  parameters
              1      conv  4×4×4   40
              total parameters: 40
              not trained yet

            """)
        let net = try NetworkShapeTests.network(s.0, "net").network
        #expect(net.layerDescriptions.map(\.kind) == ["conv"] && net.parameterCount == 40)
    }
}
