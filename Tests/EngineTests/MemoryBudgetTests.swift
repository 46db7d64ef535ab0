import Foundation
import Testing
@testable import Engine
import EngineTestSupport

/// The memory limit is a budget: a request is compared with the limit less what the session's
/// ledger says is in use (model files: ModelFilesTests.ModelFileMemoryBudgetTests). Limits
/// and ledgers are bound for the test's task only (tests run in parallel).
@Suite struct MemoryBudgetTests {
    /// The error `MemoryLimit.check` throws for `bytes` under `limit` with `inUse` held, or nil.
    func refusal(_ bytes: Int, limit: Int, inUse: Int?) -> EngineError? {
        let ledger = inUse.map { held in MemoryLedger { held } }
        return MemoryLimit.$scopedBytes.withValue(limit) {
            MemoryLimit.$ledger.withValue(ledger) { () -> EngineError? in
                do throws(EngineError) {
                    try MemoryLimit.check(count: bytes, bytesEach: 1, for: "a tensor")
                    return nil
                } catch {
                    return error
                }
            }
        }
    }

    @Test func aRequestIsChargedWithWhatIsInUse() {
        let e = refusal(2 << 20, limit: 10 << 20, inUse: 9 << 20)
        #expect(e?.kind == .tooLarge)
        #expect(e?.message == "a tensor needs 2 MB, but 9 MB of the memory limit of 10 MB is in use by the session's values")
        #expect(e?.heldBytes == 9 << 20, "what stood in the way, as data: the shell words what to do about it")
        #expect(refusal(512 << 10, limit: 10 << 20, inUse: 9 << 20) == nil)
        #expect(refusal(2 << 20, limit: 10 << 20, inUse: nil) == nil, "no ledger: nothing is charged")
        // Requests too small to be worth measuring the session for are checked against the limit only.
        #expect(refusal(MemoryLimit.unmeasured - 1, limit: 10 << 20, inUse: 20 << 20) == nil)
        #expect(refusal(MemoryLimit.unmeasured, limit: 10 << 20, inUse: 20 << 20)?.kind == .tooLarge)
    }

    @Test func theRoomLeftIsTheLimitLessWhatIsInUse() {
        let (room, text) = MemoryLimit.$scopedBytes.withValue(10 << 20) {
            MemoryLimit.$ledger.withValue(MemoryLedger { 9 << 20 }) { (MemoryLimit.room, MemoryLimit.describe(room: MemoryLimit.room)) }
        }
        #expect(room == 1 << 20)
        #expect(text == "the 1 MB left of the memory limit of 10 MB")
        let free = MemoryLimit.$scopedBytes.withValue(10 << 20) { (MemoryLimit.room, MemoryLimit.describe(room: MemoryLimit.room)) }
        #expect(free.0 == 10 << 20 && free.1 == "the memory limit of 10 MB", "no ledger: the whole limit")
    }

    @Test func aNetworkHoldsItsParametersMomentsAndPausedCopies() throws {
        let net: Network<Float> = try makeNetwork([10, 20, 5], hidden: .relu, output: .softmax)
        let parameters = 10 * 20 + 20 + 20 * 5 + 5
        #expect(net.memoryBytes == parameters * 4)
        net.optimizerState = OptimizerState(settings: .adam, tensorSizes: net.tensorSizes)
        #expect(net.memoryBytes == parameters * 4 * 3, "Adam keeps two moments per parameter")
        #expect(AnyNetwork.float(net).memoryBytes == net.memoryBytes)
        #expect(AnyNetwork.float(net).converted(to: .float64).memoryBytes == parameters * 8 * 3)
    }
}
