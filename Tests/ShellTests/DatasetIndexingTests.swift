import Foundation
import Testing
import Data
@testable import Shell

/// `data.test[0]` (issue 19): indexing a dataset gives example i — its input values as the
/// network sees them and its label or target — and an index out of range is a clear error.
@Suite struct DatasetIndexingTests {
    static func csv(_ text: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-index-\(getpid())-\(text.hashValue).csv").path
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func anExampleOfClassDataHasItsInputLabelAndClassName() {
        let path = Self.csv("a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n")
        let r = runShell("""
            d = csv "\(path)" label="kind"
            e = d[1]
            print e.input e.label e.class
            print d[-1].input d[-1].class
            d[0]
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output == """
            [3, 4] 1 dog
            [5, 6] cat
            example 0 of \(URL(fileURLWithPath: path).lastPathComponent): label 0 (cat); input [1, 2]

            """)
    }

    @Test func anExampleOfRegressionDataHasItsTarget() throws {
        let session = makeSession()
        let r = runShell("d = runge n=5 seed=3\nprint d[2].input d[2].target", in: session)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        guard case .object(let o as DatasetObject)? = session.0.interpreter.globals["d"],
              case .values(let targets) = o.dataset.targets else { throw ShellTestFailure("no regression dataset d") }
        #expect(r.output == "[\(formatNumber(o.dataset.feature(2, 0)))] \(formatNumber(targets[2, 0]))\n")
    }

    @Test func aLongInputIsElidedWhenTheExampleIsShown() {
        let header = (0..<20).map { "f\($0)" }.joined(separator: ",") + ",y"
        let row = (0..<20).map(String.init).joined(separator: ",") + ",1"
        let path = Self.csv(header + "\n" + row + "\n" + row + "\n")
        let r = runShell("d = csv \"\(path)\" label=\"y\"\nd[0]\nprint d[0].input.count")
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output.contains("input [0, 1, 2, 3, 4, 5, 6, 7, … (20 values)]\n20\n"), "\(r.output)")
    }

    @Test func anIndexOutOfRangeOrNotWholeIsAClearError() {
        let r = runShell("d = runge n=5 seed=3\nprint d[5]")
        #expect(r.error?.message == "index 5 is out of range (5 examples, first is 0, last is 4)")
        #expect(runShell("d = runge n=5 seed=3\nprint d[-6]").error?.message == "index -6 is out of range (5 examples, first is 0, last is 4)")
        #expect(runShell("d = runge n=5 seed=3\nprint d[1.5]").error?.message == "an index must be a whole number, got 1.5")
        #expect(runShell("d = runge n=5 seed=3\nprint d[\"x\"]").error?.message == "an index must be a whole number, got \"x\"")
    }
}
