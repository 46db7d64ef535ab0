import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles

/// Damaged files by the thousand: every truncation, random byte changes with and without a
/// repaired checksum. Nothing may crash, and nothing damaged may load as if it were whole.
@Suite struct ModelFileMutationTests {
    static let original = ModelFileFixtures.fullModel(Float.self)

    @Test func everyTruncationIsRefused() throws {
        for model in [try ModelFile.encode(Self.original), try ModelFile.encode(ModelFileFixtures.fullModel(Double.self))] {
            for length in 0 ..< model.count {
                let e = expectModelFileError { _ = try ModelFile.decode(Array(model.prefix(length))) }
                #expect(e?.kind == .truncated, "cut at \(length)")
            }
        }
    }

    /// Random changes to 1–4 bytes, 5000 times: the checksum (or an earlier check) catches each.
    @Test func randomByteChangesAreAlwaysRefused() throws {
        let model = try ModelFile.encode(Self.original)
        var g = RandomGenerator(seed: 2024)
        var kinds: [ModelFileError.Kind: Int] = [:]
        for trial in 0 ..< 5000 {
            var mutant = model
            for _ in 0 ... g.nextInt(below: 4) {
                mutant[g.nextInt(below: mutant.count)] ^= UInt8(1 + g.nextInt(below: 255))
            }
            if mutant == model { continue }   // two changes cancelled out
            do {
                _ = try ModelFile.decode(mutant)
                Issue.record("trial \(trial): a damaged file loaded")
            } catch {
                kinds[error.kind, default: 0] += 1
            }
        }
        #expect(kinds[.checksumMismatch, default: 0] > 4000)   // most damage is found by the CRC
        #expect(kinds[.checksumMismatch, default: 0] + kinds[.truncated, default: 0]
                + kinds[.trailingBytes, default: 0] + kinds[.notAModelFile, default: 0]
                + kinds[.newerVersion, default: 0] + kinds[.unsupportedVersion, default: 0] == kinds.values.reduce(0, +))
    }

    /// The same with the checksum repaired after each change, so the structural checks behind
    /// it are exercised. A mutant either is refused or loads a model whose encoding is exactly
    /// the mutant: nothing in the file was ignored or misread.
    @Test func resealedMutantsAreRefusedOrReadExactly() throws {
        for model in [try ModelFile.encode(Self.original), try ModelFile.encode(ModelFileFixtures.minimalModel())] {
            var g = RandomGenerator(seed: 99)
            var refused = 0, loaded = 0
            for trial in 0 ..< 5000 {
                var mutant = model
                for _ in 0 ... g.nextInt(below: 3) {
                    // Half the changes land in the header section, where the structure is.
                    let span = g.nextInt(below: 2) == 0 ? min(model.count - 4, 400) : model.count - 4
                    mutant[g.nextInt(below: span)] ^= UInt8(1 + g.nextInt(below: 255))
                }
                mutant = ModelFileFormatTests.resealed(mutant)
                let result: LoadedModel, skipped: [String]
                do { (result, skipped) = try ModelFile.decodeReportingSkipped(mutant) } catch { refused += 1; continue }
                loaded += 1
                let minor = UInt16(mutant[10]) | UInt16(mutant[11]) << 8
                // A newer minor version may carry extra fields, and an unknown optional record
                // (a tag turned lower-case) is skipped by design: both are left out on re-encoding.
                guard minor == 0, skipped.isEmpty else { continue }
                let reencoded: [UInt8]
                switch result {
                case .float32(let m): reencoded = try ModelFile.encode(m)
                case .float64(let m): reencoded = try ModelFile.encode(m)
                }
                #expect(reencoded == mutant, "trial \(trial): the file loaded as a different model")
            }
            #expect(refused > 0 && loaded > 0)   // both paths were exercised
        }
    }
}
