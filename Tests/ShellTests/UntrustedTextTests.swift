import Foundation
import Testing
@testable import Shell

/// Class names come from files (a CSV's label column, a model file, safetensors metadata): a
/// name with a newline, an escape sequence or a bidirectional control must not add lines, clear
/// the screen or reorder what follows wherever it is printed: `show`'s caption, an example
/// (`d[0]`), `eval`'s report, `errors`, `classify` and strings inside records and lists.
@Suite struct UntrustedTextTests {
    static let hostile = "bad\u{1B}[2J\nname\u{202E}"
    static let shown = #"bad\u{1B}[2J\nname\u{202E}"#

    @Test func classNamesFromAFileArePrintedEscaped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-untrusted-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Four 2×2 "images" (pixels), two classes, one of them with the hostile name.
        let rows = ["p0,p1,p2,p3,label"] + (0..<8).map { i in
            "\(i * 30),\(255 - i * 30),\(i * 10),\(i * 20)," + (i % 2 == 0 ? "\"\(Self.hostile)\"" : "plain")
        }
        try rows.joined(separator: "\n").write(toFile: folder + "/names.csv", atomically: true, encoding: .utf8)
        let r = runShell("""
            d = csv "\(folder)/names.csv" label=-1
            print d[0]
            d[0]
            net = network 4
            add net dense 2 softmax
            train net d epochs=1 batch=4 quiet
            eval net d
            errors net d
            e = eval net d
            print e.classes
            """)
        #expect(r.error == nil, "\(r.error?.rendered() ?? "")")
        #expect(!r.output.contains("\u{1B}"), "no raw escape character reaches the terminal")
        #expect(!r.output.contains("\u{202E}"), "no raw bidirectional control")
        #expect(!r.output.contains("bad\u{1B}"))
        #expect(r.output.contains(Self.shown), "the name is shown with visible escapes:\n\(r.output)")
    }
}
