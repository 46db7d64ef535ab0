import Foundation
import Testing
@testable import Shell

/// `classify` on picture files written here: a drawn digit (dark ink on white, larger than 28×28).
@Suite struct ClassifyTests {
    /// A P2 (text) PGM of `width × height` with a dark vertical stroke: a "1" drawn on paper.
    static func writeOne(to path: String, width: Int = 60, height: Int = 80) throws {
        var rows: [String] = []
        for y in 0..<height {
            rows.append((0..<width).map { x in
                (y > 10 && y < height - 10 && abs(x - width / 2) < 4) ? "20" : "235"
            }.joined(separator: " "))
        }
        try ("P2\n\(width) \(height)\n255\n" + rows.joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func classifiesAPictureAndReportsTheTopClasses() throws {
        let path = "/tmp/nnsh-classify-one.pgm"
        try Self.writeOne(to: path)
        let r = runShell("""
            set seed 1
            net = network 784
            add net dense 10 softmax
            c = classify net "\(path)" top=3
            print c.class >= 0 and c.class <= 9 and c.p > 0 and c.p <= 1 (len c.top)
            classify net "\(path)" top=3
            """)
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        // Assigned, it prints nothing; as a statement, its report once.
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "true 3")
        #expect(lines.count == 1 + 14 + 2, "\(r.output)")   // check, 28×28 drawn in 14 lines, prediction, top 3
        #expect(lines.filter { $0.hasPrefix("top 3: ") }.count == 1)
        #expect(lines[15].contains("(p="))
        #expect(lines[16].hasPrefix("top 3: "))
        // The drawn stroke ends up centred in the field, white on black.
        #expect(lines[8].contains("█") || lines[8].contains("▓"))
    }

    @Test func refusesTheWrongNetworkAndBlankPictures() throws {
        let path = "/tmp/nnsh-classify-one-b.pgm"
        try Self.writeOne(to: path)
        let wrong = runShell("net = network 3\nadd net dense 2 softmax\nclassify net \"\(path)\"")
        #expect(wrong.error?.message == "the network takes 3 inputs, but a prepared picture has 784 (28×28)")
        let blank = "/tmp/nnsh-classify-blank.pgm"
        try "P2\n4 4\n255\n" .appending(String(repeating: "200 ", count: 16)).write(toFile: blank, atomically: true, encoding: .utf8)
        let r = runShell("net = network 784\nadd net dense 2 softmax\nclassify net \"\(blank)\"")
        #expect(r.error?.column == 14)
        #expect(r.error?.message.contains(blank) == true)
    }
}
