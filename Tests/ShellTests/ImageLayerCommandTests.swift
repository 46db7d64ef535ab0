import Foundation
import Testing
import Engine
@testable import Shell

/// `add net conv …`, `add net maxpool …`, `add net flatten`: the layers that read images, built
/// from the language on a network made from an image dataset (`NetworkShapeTests.session`:
/// `digits`, three 28×28 images). The refusals' messages are in the bad-input catalogue.
@Suite struct ImageLayerCommandTests {
    static func stack(_ net: NetworkObject) -> (summaries: [String], shapes: [Shape]) {
        switch net.network {
        case .float(let n): (n.layerSummaries, n.shapes)
        case .double(let n): (n.layerSummaries, n.shapes)
        }
    }

    @Test func aConvolutionalNetworkIsBuiltAndTrained() throws {
        let s = try NetworkShapeTests.session()
        let r = runShell("""
            set seed 2
            net = network digits
            add net conv 4 3 relu pad=same
            add net maxpool 2
            add net conv 2 3 tanh stride=2 pad=1
            add net maxpool 3 stride=1
            add net flatten
            add net dense 3 softmax
            print net.outputs
            train net digits epochs=3 batch=3 optimizer=adam lr=0.01 quiet
            print net.epochs
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == "3\n3\n")
        let net = try NetworkShapeTests.network(s.0, "net")
        let (summaries, shapes) = Self.stack(net)
        #expect(summaries == ["conv 4 3×3 stride 1 padding 1 relu", "maxpool 2×2 stride 2", "conv 2 3×3 stride 2 padding 1 tanh",
                              "maxpool 3×3 stride 1", "flatten", "3 softmax"])
        #expect(shapes == [Shape([4, 28, 28]), Shape([4, 14, 14]), Shape([2, 7, 7]), Shape([2, 5, 5]), Shape(50), Shape(3)])
        #expect(Array(net.log.prefix(7)) == ["network digits (1×28×28) precision=float32", "add conv 4 3 relu stride=1 pad=1",
                                             "add maxpool 2", "add conv 2 3 tanh stride=2 pad=1", "add maxpool 3 stride=1",
                                             "add flatten", "add dense 3 softmax"])
    }

    /// The kernel size gives way to a word: a dense layer's activation stands where a conv
    /// layer's kernel size does; numbers and words in variables bind by their type too.
    @Test func theKernelSizeGivesWayToTheActivation() throws {
        let s = try NetworkShapeTests.session()
        let r = runShell("""
            k = 5
            act = "tanh"
            net = network digits
            add net conv 2 k act
            add net conv 2 sigmoid kernel=3
            add net conv 2 3
            add net dense 4 act
            add net dense 3 "softmax"
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(Self.stack(try NetworkShapeTests.network(s.0, "net")).summaries
                == ["conv 2 5×5 stride 1 padding 0 tanh", "conv 2 3×3 stride 1 padding 0 sigmoid",
                    "conv 2 3×3 stride 1 padding 0 relu", "4 tanh", "3 softmax"])
    }

    /// A refused layer leaves the network as it was, and the next one is added as usual.
    @Test func aRefusedLayerChangesNothing() throws {
        let s = try NetworkShapeTests.session()
        #expect(runShell("set seed 1\nnet = network digits\nadd net conv 3 5 relu\nadd net maxpool 2", in: s).succeeded)
        let net = try NetworkShapeTests.network(s.0, "net")
        let before = Self.stack(net), log = net.log
        for bad in ["add net maxpool 13", "add net conv 2 13 relu", "add net conv 2 3 softmax", "add net conv 2 2 pad=same",
                    "add net maxpool 2 kernel=3", "add net conv 2 3 relu stride=0"] {
            let r = runShell(bad, in: s)
            #expect(r.error != nil, "\(bad)")
            #expect(Self.stack(net) == before && net.log == log, "\(bad)")
        }
        #expect(runShell("add net maxpool 12\nadd net dense 2 softmax", in: s).succeeded)
        #expect(Self.stack(net).shapes.suffix(2) == [Shape([3, 1, 1]), Shape(2)])
    }

    /// `print net` names every layer of the chain, batchnorm, maxpool and flatten too (the
    /// parameter count includes batchnorm's), and `pop` names each kind it takes off.
    @Test func everyKindIsNamedInTheChainAndByPop() throws {
        let s = try NetworkShapeTests.session()
        let r = runShell("""
            set seed 1
            net = network digits
            add net conv 4 3 relu
            add net batchnorm
            add net maxpool 2
            add net flatten
            print net
            pop net
            pop net
            pop net
            """, in: s)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        let conv = "1×28×28 → conv 4 3×3 stride 1 padding 0 relu"
        #expect(r.output == """
            <network \(conv) → batchnorm 4 momentum 0.1 epsilon 1e-05 → maxpool 2×2 stride 2 → flatten, 48 parameters>
            removed the last flatten layer (flatten) from net; it is now \(conv) → batchnorm 4 momentum 0.1 epsilon 1e-05 → maxpool 2×2 stride 2
            removed the last maxpool layer (maxpool 2×2 stride 2) from net; it is now \(conv) → batchnorm 4 momentum 0.1 epsilon 1e-05
            removed the last batchnorm layer (batchnorm 4 momentum 0.1 epsilon 1e-05, 8 parameters) from net; it is now \(conv)

            """)
    }

    @Test func helpShowsTheImageLayers() {
        let r = runShell("help add")
        #expect(r.output.hasPrefix("usage: add net kind [units] [kernel] [activation] "), "\(r.output)")
        for word in ["conv", "maxpool", "flatten", "stride=n", "pad=n|same"] { #expect(r.output.contains(word), "\(word)") }
    }
}
