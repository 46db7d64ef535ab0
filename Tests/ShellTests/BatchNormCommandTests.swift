import Foundation
import Testing
@testable import Engine
@testable import Shell

/// `add net batchnorm [momentum=m]`: the layer reaches the engine with its momentum, trains,
/// predicts with its running statistics, and everything that does not fit it is refused with
/// the place named and the network unchanged.
@Suite struct BatchNormCommandTests {
    static let build = """
        set seed 3
        d = runge n=24 seed=2
        net = network 1 precision=float64
        add net dense 6 tanh
        add net batchnorm momentum=0.25
        add net dense 1 linear
        """

    static func network(_ session: Session) throws -> Network<Double> {
        guard case .object(let object as NetworkObject)? = session.interpreter.globals["net"],
              case .double(let net) = object.network else { throw ShellTestFailure("no float64 network net") }
        return net
    }

    @Test func theLayerTrainsAndPredictsWithItsRunningStatistics() throws {
        let session = makeSession()
        let r = runShell(Self.build + """

            train net d epochs=2 batch=8 quiet
            x = predict net d
            print x == (predict net d)
            """, in: session)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == "true\n")
        let net = try Self.network(session.0)
        let bn = try #require(net.stack[1] as? BatchNormLayer<Double>)
        #expect(bn.momentum == 0.25 && bn.epsilon == 1e-5 && bn.channels == 6)
        #expect(bn.batchesSeen == [6])   // 2 epochs of 3 batches
        #expect(bn.runningMean != [Double](repeating: 0, count: 6))
        guard case .object(let object as NetworkObject)? = session.0.interpreter.globals["net"] else { return }
        #expect(object.log.contains("add batchnorm momentum=0.25"))
        // The default momentum, and the log line without it.
        let plain = makeSession()
        #expect(runShell("net = network 2\nadd net dense 3 relu\nadd net batchnorm", in: plain).succeeded)
        guard case .object(let other as NetworkObject)? = plain.0.interpreter.globals["net"],
              case .float(let n) = other.network else { return }
        #expect((n.stack[1] as? BatchNormLayer<Float>)?.momentum == 0.1)
        #expect(other.log.last == "add batchnorm")
    }

    /// gradcheck checks either mode: inference (running statistics) by default, the trainer's
    /// with `training` (a different loss: the batch's statistics); both agree with central
    /// differences, γ listed as a scale.
    @Test func gradcheckChecksEitherMode() throws {
        let r = runShell(Self.build + """

            train net d epochs=1 batch=8 quiet
            a = gradcheck net (take d 8) sample=all
            b = gradcheck net (take d 8) sample=all training
            print a.ok b.ok a.checked b.checked b.total ((abs (a.loss - b.loss)) > 1e-3)
            gradcheck net (take d 8) training
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output.hasPrefix("true true 31 31 31 true\n"), "\(r.output)")
        #expect(r.output.contains("    2  scale  "), "\(r.output)")
    }

    /// `help batchnorm` explains the layer with the engine's defaults; `help add` points to it.
    @Test func helpExplainsTheLayer() {
        let r = runShell("help batchnorm\nhelp add")
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output.hasPrefix("batchnorm: batch normalisation (add net batchnorm"), "\(r.output)")
        #expect(r.output.contains("(momentum=, default \(formatNumber(BatchNorm.defaultMomentum)))"))
        #expect(r.output.contains("ε = \(formatNumber(BatchNorm.defaultEpsilon)), as"))
        #expect(r.output.contains("(help batchnorm)"))
    }

    @Test(arguments: [
        ("add net batchnorm 3", 19, "units: a batchnorm layer takes only momentum="),
        ("add net batchnorm seed=4", 19, "seed: a batchnorm layer takes only momentum="),
        ("add net batchnorm momentum=1.5", 19, "momentum: expected a number from 0 to 1, got 1.5"),
        ("add net dense 3 momentum=0.1", 17, "momentum: a dense layer takes units, an activation, alpha=, init=, stddev= and seed="),
        ("add net dropout 0.5 momentum=0.1", 21, "momentum: a dropout layer takes only its rate"),
        ("add net dense", 9, "a dense layer needs its units: add net dense 300 relu"),
        ("add net dropout", 9, "a dropout layer needs its rate: add net dropout 0.5"),
        ("train net d batch=23 quiet", 13, "layer 2 (batchnorm 6 momentum 0.25 epsilon 1e-05) needs at least 2 examples in a training batch, to normalise over the batch, but the last batch of each epoch has 1 (24 examples in batches of 23); choose another batch size"),
    ])
    func refusals(source: String, column: Int, message: String) throws {
        let session = makeSession()
        #expect(runShell(Self.build, in: session).succeeded)
        let before = try Self.network(session.0).copy()
        let r = runShell(source, in: session)
        let error = try #require(r.error)
        #expect(error.message == message)
        #expect(error.column == column && error.line == 1, "\(error.rendered())")
        let after = try Self.network(session.0)
        #expect(after.stack.count == before.stack.count && zip(after.stack, before.stack).allSatisfy { $0.isEqual(to: $1) })
        #expect(after.history.epochs.isEmpty)
    }
}
