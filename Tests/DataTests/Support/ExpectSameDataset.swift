import Testing
@testable import Data

/// Two datasets hold the same examples: counts, widths, features, targets, class names and
/// image shape (the round-trip tests of CSV and NumPy files).
func expectSameDataset(_ a: Dataset, _ b: Dataset, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count && a.inputWidth == b.inputWidth, sourceLocation: sourceLocation)
    #expect(a.features == b.features, sourceLocation: sourceLocation)
    #expect(a.targets == b.targets, sourceLocation: sourceLocation)
    #expect(a.classNames == b.classNames, sourceLocation: sourceLocation)
    #expect(a.imageShape == b.imageShape, sourceLocation: sourceLocation)
}
