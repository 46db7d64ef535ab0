import Foundation
import Glibc
import Testing
@testable import nnsh

/// What a cell prints, turned into kernel messages: the progress line a terminal redraws in
/// place becomes one display updated in place.
@Suite struct KernelOutputTests {
    /// Writes `texts` through a KernelOutput; returns the messages it sent.
    func messages(_ texts: [String]) throws -> [[String: Any]] {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let output = KernelOutput(channel: KernelChannel(descriptor: ends[1]))
        output.begin("c")
        for text in texts { output.write(text) }
        output.end()
        close(ends[1])
        let data = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile()
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
    }

    @Test func anErasedProgressLineLeavesAnEmptyDisplayNotItsLastState() throws {
        // gradcheck: live lines, then the line erased, then its report.
        let sent = try messages([KernelOutput.redraw + "gradcheck ███··· 10/20 parameters",
                                 KernelOutput.redraw + "gradcheck █████· 18/20 parameters",
                                 KernelOutput.redraw, "max relative error 1e-10 (ok)\n"])
        let displays = sent.filter { $0["type"] as? String == "display" }
        #expect(displays.count == 3)
        #expect(Set(displays.compactMap { $0["display_id"] as? String }).count == 1)
        #expect(displays.map { $0["update"] as? Bool } == [false, true, true])
        #expect((displays.last?["data"] as? [String: String])?["text/plain"] == "")
        #expect(sent.last?["type"] as? String == "stream")
        #expect(sent.last?["text"] as? String == "max relative error 1e-10 (ok)\n")
    }

    @Test func anEraseWithNoLineShownSendsNothing() throws {
        let sent = try messages([KernelOutput.redraw, "text\n"])
        #expect(sent.count == 1)
        #expect(sent.first?["type"] as? String == "stream")
    }

    @Test func theEpochSummaryReplacesTheLiveLineInTheSameDisplay() throws {
        let sent = try messages([KernelOutput.redraw + "epoch 1/2 ██··· 3/10", KernelOutput.redraw + "epoch 1/2  loss 0.5\n",
                                 KernelOutput.redraw + "epoch 2/2 █···· 1/10", KernelOutput.redraw + "epoch 2/2  loss 0.4\n"])
        #expect(sent.allSatisfy { $0["type"] as? String == "display" })
        #expect(Set(sent.compactMap { $0["display_id"] as? String }).count == 1)
        #expect((sent.last?["data"] as? [String: String])?["text/plain"] == "epoch 2/2  loss 0.4")
    }
}
