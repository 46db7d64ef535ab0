import Foundation
import Testing

/// End-to-end: `nnsh --kernel` in a subprocess, JSON requests in, JSON messages out, as the
/// Jupyter wrapper (Jupyter/nnsh_kernel) speaks to it.
@Suite struct KernelModeTests {
    @Test func variablesPersistAcrossCells() throws {
        let kernel = try KernelProcess()
        let first = try kernel.request(["type": "execute", "id": "a", "code": "x = 20\ny = x + 1"])
        #expect(first.last?["status"] as? String == "ok")
        #expect(KernelProcess.streamText(first) == "")
        let second = try kernel.request(["type": "execute", "id": "b", "code": "print x * 2\nprint y"])
        #expect(KernelProcess.streamText(second) == "40\n21\n")
        #expect(second.allSatisfy { $0["id"] as? String == "b" })
        #expect(second.last?["type"] as? String == "reply")
    }

    @Test func anErrorIsAnErrorMessageWithTheCaretAndLosesNothing() throws {
        let kernel = try KernelProcess()
        _ = try kernel.request(["type": "execute", "id": "1", "code": "keep = 7"])
        let failed = try kernel.request(["type": "execute", "id": "2", "code": "z = keep +* 2"])
        let error = try #require(failed.first { $0["type"] as? String == "error" })
        #expect(error["evalue"] as? String == "an expression expected near '*'")
        let traceback = try #require(error["traceback"] as? [String])
        // In colour, as at the prompt: the place in bold, "error:" in red, the caret in green.
        #expect(traceback == ["\u{1B}[1mcell:1:11:\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m \u{1B}[1man expression expected near '*'\u{1B}[0m",
                              "z = keep +* 2", "          \u{1B}[1;32m^\u{1B}[0m"])
        #expect(failed.last?["status"] as? String == "error")
        let after = try kernel.request(["type": "execute", "id": "3", "code": "print keep"])
        #expect(KernelProcess.streamText(after) == "7\n")
    }

    @Test func completionComesFromTheCommandDeclarations() throws {
        let kernel = try KernelProcess()
        let command = try #require(try kernel.request(["type": "complete", "id": "c", "code": "x = 1\ntra", "cursor": 9]).last)
        #expect(command["matches"] as? [String] == ["train"])
        #expect(command["cursor_start"] as? Int == 6)
        #expect(command["cursor_end"] as? Int == 9)
        let option = try #require(try kernel.request(["type": "complete", "id": "d", "code": "train net r epo", "cursor": 15]).last)
        #expect(option["matches"] as? [String] == ["epochs="])
        #expect(option["cursor_start"] as? Int == 12)
        _ = try kernel.request(["type": "execute", "id": "e", "code": "learning_rate = 0.1"])
        let variable = try #require(try kernel.request(["type": "complete", "id": "f", "code": "print learn", "cursor": 11]).last)
        #expect(variable["matches"] as? [String] == ["learning_rate"])
    }

    @Test func inspectShowsTheHelpOfTheWordAtTheCursor() throws {
        let kernel = try KernelProcess()
        let command = try #require(try kernel.request(["type": "inspect", "id": "i", "code": "train net r", "cursor": 2]).last)
        #expect(command["found"] as? Bool == true)
        let text = try #require((command["data"] as? [String: String])?["text/plain"])
        #expect(text.hasPrefix("usage: train net data"))
        let concept = try #require(try kernel.request(["type": "inspect", "id": "j", "code": "optimizer=adam", "cursor": 12]).last)
        #expect((concept["data"] as? [String: String])?["text/plain"]?.lowercased().contains("adam") == true)
        let unknown = try #require(try kernel.request(["type": "inspect", "id": "k", "code": "zzzq", "cursor": 2]).last)
        #expect(unknown["found"] as? Bool == false)
    }

    @Test func plotAndHeatmapAreSVGPictures() throws {
        let kernel = try KernelProcess()
        for (id, code) in [("p", "plot [1, 4, 9, 16] title=\"squares\""), ("h", "heatmap [[1, 2], [3, 4]]")] {
            let messages = try kernel.request(["type": "execute", "id": id, "code": code])
            let displays = messages.filter { $0["type"] as? String == "display" }
            #expect(displays.count == 1, "\(code)")
            let data = try #require(displays.first?["data"] as? [String: String])
            let svg = try #require(data["image/svg+xml"])
            #expect(svg.contains("<svg") && svg.hasSuffix("</svg>\n"))
            #expect(data["text/plain"]?.isEmpty == false)   // the terminal picture, for text-only front ends
            #expect(KernelProcess.streamText(messages) == "")   // not printed a second time
        }
    }

    @Test func inspectIsATablePictureWithItsNoteAsText() throws {
        let kernel = try KernelProcess()
        let messages = try kernel.request(["type": "execute", "id": "i", "code": """
            r = runge n=32 seed=1
            net = network 1
            add net dense 4 relu
            add net dense 1 linear
            inspect net r
            """])
        #expect(messages.compactMap { $0["type"] as? String } == ["display", "stream", "reply"])
        let data = try #require(messages.first?["data"] as? [String: String])
        let svg = try #require(data["image/svg+xml"])
        #expect(svg.contains("Layer health: 1 → 4 relu → 1 linear on r") && svg.contains("‖∂W‖"))
        #expect(data["text/plain"]?.hasPrefix("layer  shape") == true)
        #expect(KernelProcess.streamText(messages).hasPrefix("gradients: of the mean cost over r (32 examples)"))
    }

    @Test func evalOfClassDataShowsItsConfusionMatrixOnlyWhenEchoed() throws {
        let data = try TemporaryFile(contents: "x,y,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n", suffix: ".csv")
        let kernel = try KernelProcess()
        _ = try kernel.request(["type": "execute", "id": "1", "code": "d = csv \"\(data.path)\" label=\"label\"\nnet = network 2\nadd net dense 2 softmax"])
        let echoed = try kernel.request(["type": "execute", "id": "2", "code": "eval net d"])
        let displays = echoed.filter { $0["type"] as? String == "display" }
        #expect(displays.count == 1)
        let data0 = displays.first?["data"] as? [String: String]
        #expect(data0?["image/svg+xml"]?.contains("Confusion matrix") == true)
        #expect(data0?["text/plain"]?.hasPrefix("accuracy ") == true)   // the report, for text-only front ends
        let assigned = try kernel.request(["type": "execute", "id": "3", "code": "e = eval net d"])
        #expect(assigned.count == 1 && assigned.first?["status"] as? String == "ok")
    }

    @Test func showGivesItsPictureWithTheDrawingAsItsTextThenItsCaption() throws {
        let image = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/drawn-3.png").path
        let kernel = try KernelProcess()
        let messages = try kernel.request(["type": "execute", "id": "s", "code": "show \"\(image)\""])
        let kinds = messages.compactMap { $0["type"] as? String }
        #expect(kinds == ["display", "stream", "reply"])
        let data = messages.first { $0["type"] as? String == "display" }?["data"] as? [String: String]
        #expect(data?["image/svg+xml"]?.contains("<image") == true || data?["image/svg+xml"]?.contains("<rect") == true)
        // The terminal drawing is the picture's plain-text form, not printed beside the picture.
        #expect(data?["text/plain"]?.contains("█") == true)
        #expect(KernelProcess.streamText(messages) == "\(image): 160×160\n")
    }

    @Test func trainingIsOneUpdatingDisplayNotALinePerEpoch() throws {
        let kernel = try KernelProcess()
        let messages = try kernel.request(["type": "execute", "id": "t", "code": """
            r = runge n=64 seed=1
            net = network 1
            add net dense 8 tanh
            add net dense 1 linear
            train net r epochs=12 batch=8
            """])
        let displays = messages.filter { $0["type"] as? String == "display" }
        #expect(Set(displays.compactMap { $0["display_id"] as? String }).count == 1)
        #expect(displays.first?["update"] as? Bool == false)
        #expect(displays.dropFirst().allSatisfy { $0["update"] as? Bool == true })
        let last = (displays.last?["data"] as? [String: String])?["text/plain"] ?? ""
        #expect(last.hasPrefix("epoch 12/12"))
        #expect(!KernelProcess.streamText(messages).contains("epoch"))
        #expect(messages.last?["status"] as? String == "ok")
    }

    @Test func interruptPausesTrainingAndResumeGoesOn() throws {
        let kernel = try KernelProcess()
        try kernel.send(["type": "execute", "id": "long", "code": """
            r = runge n=256 seed=1
            net = network 1
            add net dense 16 tanh
            add net dense 1 linear
            train net r epochs=1000000 batch=1
            """])
        // Interrupt once training has shown its progress line: no timing involved.
        let paused = try kernel.interruptAtFirstDisplay()
        // As at the prompt: the pause is reported as an interruption, and the network is kept.
        let error = try #require(paused.first { $0["type"] as? String == "error" })
        #expect(error["ename"] as? String == "Interrupted")
        #expect(paused.last?["ename"] as? String == "Interrupted")
        #expect((error["evalue"] as? String)?.hasPrefix("training paused by Ctrl-C in epoch ") == true)
        #expect((error["evalue"] as? String)?.contains("of 1000000") == true)
        // `resume` goes on with the same run (its million epochs), until interrupted again.
        try kernel.send(["type": "execute", "id": "r", "code": "resume net"])
        let resumed = try kernel.interruptAtFirstDisplay()
        let again = try #require(resumed.first { $0["type"] as? String == "error" })
        #expect((again["evalue"] as? String)?.hasPrefix("training paused by Ctrl-C in epoch ") == true)
        #expect((again["evalue"] as? String)?.contains("of 1000000") == true)
        let after = try kernel.request(["type": "execute", "id": "s", "code": "print net.layers.count"])
        #expect(KernelProcess.streamText(after) == "2\n")
    }

    @Test func clearClearsTheCellsOutputNotTheScreen() throws {
        let kernel = try KernelProcess()
        let messages = try kernel.request(["type": "execute", "id": "c", "code": "print 1\nclear\nprint 2"])
        #expect(messages.compactMap { $0["type"] as? String } == ["stream", "clear", "stream", "reply"])
        #expect(messages[1]["id"] as? String == "c")
        #expect(!KernelProcess.streamText(messages).contains("\u{1B}"))
    }

    @Test func aLineThatIsNotARequestIsAnsweredAndTheSessionGoesOn() throws {
        let kernel = try KernelProcess()
        _ = try kernel.request(["type": "execute", "id": "1", "code": "v = 3"])
        try kernel.sendLine("not json")
        let bad = try kernel.next()
        #expect(bad["status"] as? String == "error")
        #expect((bad["evalue"] as? String)?.hasPrefix("nnsh --kernel: not a JSON object") == true)
        try kernel.sendLine(#"{"type": "fly"}"#)
        #expect(try kernel.next()["status"] as? String == "error")
        let after = try kernel.request(["type": "execute", "id": "2", "code": "print v"])
        #expect(KernelProcess.streamText(after) == "3\n")
    }

    @Test func quitEndsTheKernelAfterItsReply() throws {
        let kernel = try KernelProcess()
        let reply = try kernel.request(["type": "execute", "id": "q", "code": "quit 3"])
        #expect(reply.last?["quit"] as? Int == 3)
        #expect(kernel.waitForExit() == 3)
    }
}

/// A running `nnsh --kernel`: requests written to its standard input, messages read from its
/// standard output one line at a time.
final class KernelProcess {
    let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffer = Data()
    /// Read text without a newline yet, joined to `buffer` once a line ends.
    private var pending = Data()

    init() throws {
        process.executableURL = nnshExecutable()
        process.arguments = ["--kernel"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A guard, not a measurement: a kernel that never answers fails the test instead of hanging it.
        let process = self.process
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if process.isRunning { process.terminate() } }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func send(_ request: [String: Any]) throws {
        try sendLine(String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
    }

    func sendLine(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The next message (waits for it); throws at end of output.
    func next() throws -> [String: Any] {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                guard let message = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                    throw KernelTestError.notAnObject(String(decoding: line, as: UTF8.self))
                }
                return message
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw KernelTestError.endOfOutput }
            if chunk.contains(UInt8(ascii: "\n")) {   // only then look through the whole buffer
                buffer.append(pending)
                pending = Data()
                buffer.append(chunk)
            } else {
                pending.append(chunk)
                continue
            }
        }
    }

    /// Messages up to and including the reply.
    func untilReply() throws -> [[String: Any]] {
        var messages: [[String: Any]] = []
        while true {
            let message = try next()
            messages.append(message)
            if message["type"] as? String == "reply" { return messages }
        }
    }

    func request(_ request: [String: Any]) throws -> [[String: Any]] {
        try send(request)
        return try untilReply()
    }

    func interrupt() { kill(process.processIdentifier, SIGINT) }

    /// Waits for the running cell's first display (its progress line), sends SIGINT, and
    /// returns the cell's messages up to its reply.
    func interruptAtFirstDisplay() throws -> [[String: Any]] {
        var messages: [[String: Any]] = []
        while true {
            let message = try next()
            messages.append(message)
            if message["type"] as? String == "reply" { return messages }
            if message["type"] as? String == "display" { break }
        }
        interrupt()
        return messages + (try untilReply())
    }

    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The text of the stream messages, joined.
    static func streamText(_ messages: [[String: Any]]) -> String {
        messages.filter { $0["type"] as? String == "stream" }.compactMap { $0["text"] as? String }.joined()
    }
}

enum KernelTestError: Error {
    case endOfOutput
    case notAnObject(String)
}
