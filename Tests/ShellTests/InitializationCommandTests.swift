import Testing
import Engine
@testable import Shell

/// `add ... dense ... init=`: the chosen initialisation draws the layer, and the network's
/// log (its provenance) says which.
@Suite struct InitializationCommandTests {
    @Test func pytorchInitDrawsWeightsAndBiasesInTheFanInBound() throws {
        let (s, out) = makeSession()
        let result = runShell("set precision float64\nn = network 64\nadd n dense 32 relu init=pytorch seed=5\nadd n dense 2 softmax", in: (s, out))
        #expect(result.succeeded, "\(result.error?.message ?? "")")
        guard case .object(let o)? = s.interpreter.globals["n"], let net = o as? NetworkObject,
              case .double(let n) = net.network else { throw ShellTestFailure("no float64 network n") }
        let first = n.layers[0]
        #expect(first.weights.storage.allSatisfy { abs($0) <= 0.125 } && first.bias.allSatisfy { abs($0) <= 0.125 })
        #expect(first.bias.contains { $0 != 0 })
        #expect(n.layers[1].bias.allSatisfy { $0 == 0 })   // the default (xavier) keeps biases at 0
        #expect(net.log.contains("add dense 32 relu init=pytorch"))
        #expect(net.log.contains("add dense 2 softmax"))
    }
}
