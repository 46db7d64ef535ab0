import Testing
@testable import Plots

@Suite struct PNGEncoderTests {
    @Test func levelsComeBackExactly() throws {
        for (w, h) in [(1, 1), (28, 28), (3, 7), (160, 160)] {
            let levels = (0..<(w * h)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 5) }
            let png = try #require(PNGEncoder.greyscale(width: w, height: h, levels: levels))
            #expect(PNGDecoding.greyscaleLevels(png) == levels, "\(w)×\(h)")
        }
    }

    @Test func aCorruptedByteIsCaughtByTheCRC() throws {
        var png = try #require(PNGEncoder.greyscale(width: 4, height: 4, levels: [UInt8](repeating: 200, count: 16)))
        #expect(PNGDecoding.greyscaleLevels(png) != nil)
        png[20] ^= 1   // inside IHDR's data
        #expect(PNGDecoding.greyscaleLevels(png) == nil)
    }

    @Test func sizesThatDoNotMatchTheLevelsGiveNothing() {
        #expect(PNGEncoder.greyscale(width: 2, height: 2, levels: [1, 2, 3]) == nil)
        #expect(PNGEncoder.greyscale(width: 0, height: 2, levels: []) == nil)
        #expect(PNGEncoder.greyscale(width: -1, height: -1, levels: [0]) == nil)
    }
}
