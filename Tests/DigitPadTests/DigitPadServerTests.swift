import Data
import Foundation
import Glibc
import Testing
@testable import DigitPad
import Shell

/// The digit pad's HTTP layer with real connections on loopback (`LoopbackClient`): the page,
/// refusals (400, 404, 405, 413, 422), classifying Models/drawn-3.png's pixels as `classify`
/// does, where it listens, stopping, and 200 requests at once.
@Suite struct DigitPadServerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let model = root.appendingPathComponent("Models/mnist.nnm").path
    static let drawnThree = root.appendingPathComponent("Models/drawn-3.png").path

    /// Runs `body` on a thread of its own, still in the test's task (so its expectations are the
    /// test's): the server runs on Swift concurrency's few threads, and a test blocking one of
    /// them on a socket (as the session's thread blocks in `serve`) could starve it.
    func onThread<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        try await withTaskExecutorPreference(ThreadPerJobExecutor()) { try body() }
    }

    /// A server on a free port of `host` for `body`, stopped afterwards.
    func withServer<R>(host: String = "127.0.0.1", _ body: (LoopbackClient, DigitPadHandle) throws -> R) throws -> R {
        let classifier = try DigitClassifier(modelFile: Self.model)
        let pad = try DigitPadServer.start(DigitPadSettings(host: host, port: 0, classifier: classifier))
        defer { pad.stop() }
        return try body(try LoopbackClient(url: pad.url), pad)
    }

    /// drawn-3.png as the page would send it: gray 0…255, row by row.
    static func drawnThreeBody() throws -> (body: Data, image: GrayImage) {
        let image = try ImageFile.read(path: drawnThree)
        let pixels = image.pixels.map { Int(($0 * 255).rounded()) }
        let json = try JSONSerialization.data(withJSONObject: ["width": image.width, "height": image.height, "pixels": pixels])
        return (json, image)
    }

    @Test func servesThePageAndNothingFromDisk() async throws { try await onThread {
        try withServer { (client, pad) throws in
            #expect(pad.url.hasPrefix("http://127.0.0.1:"))
            let page = try client.get("/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("<canvas id=\"pad\""))
            #expect(page.text.contains("fetch(\"/classify?width=\""))
            for path in ["/nope", "/Package.swift", "/../Package.swift", "/%2e%2e/Package.swift",
                         "/classify/../../Models/mnist.nnm", "/Models/mnist.nnm", "//etc/passwd"] {
                let r = try client.get(path)
                #expect(r.status == 404, "\(path): \(r.status)")
                #expect(try r.json()["error"] as? String != nil, "\(path)")
            }
            #expect(try client.get("/classify").status == 405)
            // HEAD: the status, no body.
            let head = try client.send(Data("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(head.status == 200 && head.body.isEmpty)
            let headMissing = try client.send(Data("HEAD /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(headMissing.status == 404 && headMissing.body.isEmpty)
        }
    } }

    @Test func classifiesDrawnThreeAsClassifyDoes() async throws { try await onThread {
        try withServer { (client, _) throws in
            let (body, image) = try Self.drawnThreeBody()
            let r = try client.post("/classify", body: body)
            #expect(r.status == 200, "\(r.text)")
            let json = try r.json()
            let top = try #require(json["top"] as? [[String: Any]])
            #expect(top.count == 3)
            #expect(top.first?["class"] as? String == "3")
            let p = top.compactMap { $0["p"] as? Double }
            #expect(p.count == 3 && p[0] > 0.5 && p[0] >= p[1] && p[1] >= p[2])
            // The image the network saw is `classify`'s preparation of the same pixels.
            let seen = try #require(json["seen"] as? [Double])
            #expect(json["width"] as? Int == 28 && json["height"] as? Int == 28 && seen.count == 784)
            let byteImage = GrayImage(width: image.width, height: image.height,
                                      pixels: image.pixels.map { ($0 * 255).rounded() / 255 })
            let expected = try DigitPreprocessing.mnistStyle(byteImage)
            for (a, b) in zip(seen, expected.pixels) { #expect(abs(a - Double(b)) <= 0.0005) }
        }
    } }

    /// The page's form: the canvas as bytes, its size in the query.
    @Test func classifiesDrawnThreeSentAsBytes() async throws { try await onThread {
        try withServer { (client, _) throws in
            let image = try ImageFile.read(path: Self.drawnThree)
            let bytes = Data(image.pixels.map { UInt8(($0 * 255).rounded()) })
            let r = try client.post("/classify?width=\(image.width)&height=\(image.height)", body: bytes,
                                    contentType: "application/octet-stream")
            #expect(r.status == 200, "\(r.text)")
            let json = try r.json()
            let top = try #require(json["top"] as? [[String: Any]])
            #expect(top.first?["class"] as? String == "3")
            // The same answer as the JSON form.
            let viaJSON = try client.post("/classify", body: try Self.drawnThreeBody().body).json()
            #expect(json["seen"] as? [Double] == viaJSON["seen"] as? [Double])
            #expect((top.first?["p"] as? Double) == ((viaJSON["top"] as? [[String: Any]])?.first?["p"] as? Double))
        }
    } }

    @Test(arguments: [
        ("/classify", 4, "bytes need the size in the query"),
        ("/classify?width=2", 4, "bytes need the size in the query"),
        ("/classify?width=2&height=x", 4, "must be whole numbers from 1 to 4096, got '2' × 'x'"),
        ("/classify?width=0&height=4", 4, "must be whole numbers from 1 to 4096"),
        ("/classify?width=5000&height=1", 5000, "must be whole numbers from 1 to 4096"),
        ("/classify?width=2&height=2", 3, "2 × 2 needs 4 bytes, got 3"),
    ])
    func refusesMalformedBytesWithTheReason(_ path: String, _ count: Int, _ reason: String) async throws { try await onThread {
        try withServer { (client, _) throws in
            let r = try client.post(path, body: Data(repeating: 0, count: count), contentType: "application/octet-stream")
            #expect(r.status == 400, "\(path): \(r.status) \(r.text)")
            let message = try #require(try r.json()["error"] as? String)
            #expect(message.contains(reason), "\(path): \(message)")
        }
    } }

    @Test(arguments: [
        ("", "the body is empty"),
        ("not json", "not valid JSON"),
        (#"{"width": 2, "height": 2}"#, "no \"pixels\""),
        (#"{"width": 2, "height": 2, "pixels": [1, 2, 3]}"#, "needs 4 pixels, got 3"),
        (#"{"width": 2, "height": 1, "pixels": [0, 256]}"#, "pixel 1 is 256"),
        (#"{"width": 2, "height": 1, "pixels": [0, -1]}"#, "pixel 1 is -1"),
        (#"{"width": 0, "height": 0, "pixels": []}"#, "width and height must be from 1"),
        (#"{"width": "2", "height": 1, "pixels": [0, 1]}"#, "wrong type at width"),
        (#"{"width": 2, "height": 1, "pixels": [0, "a"]}"#, "wrong type at pixels.[1]"),
        (#"[1, 2, 3]"#, "wrong type at the top level"),
        (#"{"width": 99999999999999999999, "height": 1, "pixels": [0]}"#, "not valid JSON"),
    ])
    func refusesMalformedBodiesWithTheReason(_ body: String, _ reason: String) async throws { try await onThread {
        try withServer { (client, _) throws in
            let r = try client.post("/classify", body: Data(body.utf8))
            #expect(r.status == 400, "\(body): \(r.status) \(r.text)")
            let message = try #require(try r.json()["error"] as? String)
            #expect(message.contains(reason), "\(body): \(message)")
        }
    } }

    @Test func refusesABlankDrawing() async throws { try await onThread {
        try withServer { (client, _) throws in
            let blank = try JSONSerialization.data(withJSONObject: ["width": 10, "height": 10, "pixels": Array(repeating: 255, count: 100)])
            let r = try client.post("/classify", body: blank)
            #expect(r.status == 422)
            #expect(try r.json()["error"] as? String == "no digit found: the picture is nearly uniform")
        }
    } }

    @Test func refusesBodiesOverOneMegabyte() async throws { try await onThread {
        try withServer { (client, _) throws in
            let limit = DigitPadServer.maxBodyBytes
            #expect(limit == 1 << 20)
            let big = try client.post("/classify", body: Data(repeating: 0x20, count: limit + 1))
            #expect(big.status == 413)
            #expect(try big.json()["error"] as? String == "the body has \(limit + 1) bytes; at most \(limit) are read")
            // Chunked, with no length given: cut off once past the limit.
            var chunked = Data("POST /classify HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            for _ in 0..<20 {
                chunked.append(Data(String(65_536, radix: 16).utf8) + Data("\r\n".utf8))
                chunked.append(Data(repeating: 0x20, count: 65_536) + Data("\r\n".utf8))
            }
            chunked.append(Data("0\r\n\r\n".utf8))
            let streamed = try client.send(chunked)
            #expect(streamed.status == 413)
            #expect(try streamed.json()["error"] as? String == "the body has more than \(limit) bytes")
            // Exactly at the limit is read (and then refused as JSON, not for its size).
            #expect(try client.post("/classify", body: Data(repeating: 0x20, count: limit)).status == 400)
        }
    } }

    @Test func listensOnTheGivenHostOnly() async throws { try await onThread {
        try withServer { (client, pad) throws in
            #expect(client.host == "127.0.0.1")
            #expect(try client.get("/").status == 200)
            // 127.0.0.2 is loopback too, but the server is bound to 127.0.0.1 alone.
            #expect(throws: LoopbackClient.Failure.self) { try LoopbackClient(host: "127.0.0.2", port: client.port).get("/") }
        }
        try withServer(host: "127.0.0.2") { (client, pad) throws in
            #expect(pad.url.hasPrefix("http://127.0.0.2:"))
            #expect(try client.get("/").status == 200)
            #expect(throws: LoopbackClient.Failure.self) { try LoopbackClient(host: "127.0.0.1", port: client.port).get("/") }
        }
        try withServer(host: "::1") { (client, pad) throws in
            #expect(pad.url.hasPrefix("http://[::1]:"))
            #expect(try LoopbackClient(host: "::1", port: client.port).get("/").status == 200)
        }
    } }

    @Test func refusesBadHostsAndBusyPorts() async throws { try await onThread {
        let classifier = try DigitClassifier(modelFile: Self.model)
        for host in ["example.com", "300.1.1.1", "", "::zz"] {
            #expect(throws: (any Error).self, "\(host)") {
                try DigitPadServer.start(DigitPadSettings(host: host, port: 0, classifier: classifier)).stop()
            }
        }
        let first = try DigitPadServer.start(DigitPadSettings(port: 0, classifier: classifier))
        defer { first.stop() }
        let port = try LoopbackClient(url: first.url).port
        do {
            let second = try DigitPadServer.start(DigitPadSettings(port: port, classifier: classifier))
            second.stop()
            Issue.record("a second server started on busy port \(port)")
        } catch {
            #expect("\(error)" == "Address already in use")
        }
    } }

    @Test func stopsListeningWhenStopped() async throws { try await onThread {
        let classifier = try DigitClassifier(modelFile: Self.model)
        let pad = try DigitPadServer.start(DigitPadSettings(port: 0, classifier: classifier))
        let client = try LoopbackClient(url: pad.url)
        #expect(try client.get("/").status == 200)
        pad.stop()
        #expect(throws: LoopbackClient.Failure.self) { try client.get("/") }
        // The port is free again.
        let again = try DigitPadServer.start(DigitPadSettings(port: client.port, classifier: classifier))
        #expect(try client.get("/").status == 200)
        again.stop()
    } }

    /// A client that stops in the middle of its headers and waits does not keep `stop` from
    /// returning: the port is free afterwards.
    @Test func stopsDespiteAStalledClient() async throws { try await onThread {
        let classifier = try DigitClassifier(modelFile: Self.model)
        let pad = try DigitPadServer.start(DigitPadSettings(port: 0, classifier: classifier))
        let client = try LoopbackClient(url: pad.url)
        let stalled = try client.connect()
        defer { close(stalled) }
        let partial = "GET / HTTP/1.1\r\nHost: x\r\nX-Unfinished: y"
        _ = partial.withCString { send(stalled, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        #expect(try client.get("/").status == 200)   // served beside the stalled one
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            pad.stop()
            stopped.signal()
        }
        // Generous: stop waits 2 s at most for connections; before the bound it returned only
        // when the client gave up.
        #expect(stopped.wait(timeout: .now() + 30) == .success)
        #expect(throws: LoopbackClient.Failure.self) { try client.get("/") }
    } }

    /// 200 connections at once, each classifying drawn-3.png (smaller) as the page sends it
    /// (bytes): every one answered, correctly.
    @Test func answersTwoHundredConcurrentRequests() async throws { try await onThread {
        try withServer { (client, _) throws in
            // drawn-3.png at 56×56 (area-averaged): an eighth of the pixels, so that in a debug
            // build beside the whole suite no request waits near the server's timeout.
            let image = DigitPreprocessing.resample(try ImageFile.read(path: Self.drawnThree), width: 56, height: 56)
            let bytes = Data(image.pixels.map { UInt8(($0 * 255).rounded()) })
            let path = "/classify?width=\(image.width)&height=\(image.height)"
            let results = Results()
            let group = DispatchGroup()
            for _ in 0..<200 {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        let r = try client.post(path, body: bytes, contentType: "application/octet-stream")
                        let top = (try? r.json())?["top"] as? [[String: Any]]
                        results.add(r.status == 200 && top?.first?["class"] as? String == "3" ? nil : "\(r.status) \(r.text.prefix(100))")
                    } catch {
                        results.add("\(error)")
                    }
                }
            }
            group.wait()
            #expect(results.count == 200)
            #expect(results.failures.isEmpty, "\(results.failures.prefix(5))")
        }
    } }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var count = 0
    private(set) var failures: [String] = []
    func add(_ failure: String?) {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        if let failure { failures.append(failure) }
    }
}

/// Runs each job given to it on a new thread: a task that prefers it blocks no thread of the
/// shared pool.
final class ThreadPerJobExecutor: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        Thread.detachNewThread { job.runSynchronously(on: executor) }
    }
}
