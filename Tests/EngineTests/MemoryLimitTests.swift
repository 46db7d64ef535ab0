import Testing
@testable import Engine

/// `MemoryLimit`: sizes are parsed and shown in powers of 1024, and products that overflow or
/// exceed the ceiling are refused before anything is allocated.
@Suite struct MemoryLimitTests {
    @Test func sizesParse() {
        #expect(MemoryLimit.parse("2GB") == 2 << 30)
        #expect(MemoryLimit.parse("512 MB") == 512 << 20)
        #expect(MemoryLimit.parse("1.5GiB") == 3 << 29)
        #expect(MemoryLimit.parse("4096") == 4096)
        #expect(MemoryLimit.parse("lots") == nil)
        #expect(MemoryLimit.parse("-1GB") == nil)
        #expect(MemoryLimit.parse("1e30") == nil)
    }

    @Test func sizesPrint() {
        #expect(MemoryLimit.describe(512) == "512 bytes")
        #expect(MemoryLimit.describe(1 << 30) == "1 GB")
        #expect(MemoryLimit.describe(40_000_000_000) == "37.3 GB")
    }

    @Test func overflowingProductsAreRefused() {
        #expect(MemoryLimit.product([1 << 40, 1 << 30]) == nil)
        #expect(MemoryLimit.product([3, -1]) == nil)
        #expect(MemoryLimit.product([3, 4, 5]) == 60)
        do {
            try MemoryLimit.check(count: Int.max / 2, times: 4, bytesEach: 8, for: "a tensor")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.message.hasPrefix("a tensor is too large for any computer (the memory limit is "))
        }
    }

    @Test func theDefaultIsThreeQuartersOfPhysicalMemory() {
        if let physical = MemoryLimit.physicalBytes {
            #expect(MemoryLimit.defaultBytes == physical / 4 * 3)
        }
    }

    @Test func aLayerBeyondTheLimitIsRefusedBeforeAllocating() {
        var g = RandomGenerator(seed: 1)
        do {
            _ = try DenseLayer<Float>(inputs: 1 << 20, outputs: 1 << 20, activation: .relu, generator: &g)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.message.hasPrefix("a 1048576×1048576 float32 weight matrix needs 4 TB, more than the memory limit of "))
        }
    }
}
