import Foundation
import Glibc
import Testing

/// `serve` at the prompt, on a pseudo-terminal at 80 and 60 columns: it prints where it
/// listens, the page answers there, Ctrl-C stops it (the port is closed afterwards), and the
/// session goes on with its variables. And `nnsh serve` from the command line.
@Suite(.serialized) struct ServeTerminalTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models/mnist.nnm").path

    @Test(arguments: [UInt16(80), 60])
    func controlCStopsServingAndTheSessionGoesOn(columns: UInt16) throws {
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": ""], columns: columns)
        try t.expectPrompt()
        for line in ["x = 7", "m = load \"Models/mnist.nnm\""] {
            t.type(line + "\r")
            try t.expectPrompt()
        }
        let start = t.bytes.count
        t.type("serve m port=0\r")
        try t.expect("serving http://127.0.0.1:")
        try t.expect("(Ctrl-C stops)")
        let port = try #require(Self.port(in: t.screen))
        #expect(try Self.statusOfGet(port: port) == 200)
        t.type("\u{3}")
        try t.expect("stopped serving http://127.0.0.1:\(port)/")
        try t.expectPrompt()
        #expect(throws: PseudoTerminal.Failure.self) { try Self.statusOfGet(port: port) }
        t.type("print x m.inputs\r")
        try t.expect("7 784")
        try t.expectPrompt()
        #expect(!t.screen.contains("error"), "\(t.screen)")
        #expect(t.widestRow(since: start).width < Int(columns), "\(t.widestRow(since: start).row)")
    }

    @Test func theCommandLineFormRefusesBadArguments() throws {
        let nnsh = nnshExecutable().path
        for (arguments, message) in [
            (["serve"], "nnsh: serve needs a model file; usage: nnsh serve <model.nnm> [port=<n>] [host=<address>]"),
            (["serve", "m.nnm", "port=99999"], "nnsh: serve: port must be a whole number from 0 to 65535, got '99999'"),
            (["serve", "m.nnm", "host=a b"], "nnsh: serve: host must be an address such as 127.0.0.1, got 'a b'"),
            (["serve", "m.nnm", "colour=red"], "nnsh: serve: unknown option 'colour'; usage: nnsh serve <model.nnm> [port=<n>] [host=<address>]"),
        ] {
            let r = try run(nnsh, arguments, environment: [:])
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stderr == message + "\n", "\(arguments)")
        }
        let missing = try run(nnsh, ["serve", "/nonexistent/m.nnm", "port=0"], environment: [:])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/m.nnm"), "\(missing.stderr)")
        let badHost = try run(nnsh, ["serve", Self.model, "host=10.999.0.1", "port=0"], environment: [:])
        #expect(badHost.status == 1)
        #expect(badHost.stderr.contains("cannot listen on 10.999.0.1 port 0: host '10.999.0.1' is not an IPv4 address"), "\(badHost.stderr)")
    }

    /// The port in "serving http://127.0.0.1:PORT/".
    static func port(in screen: String) -> Int? {
        guard let r = screen.range(of: "http://127.0.0.1:") else { return nil }
        return Int(screen[r.upperBound...].prefix { $0.isNumber })
    }

    /// GET / on 127.0.0.1:port over a plain socket: the status code; throws when refused.
    static func statusOfGet(port: Int) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw PseudoTerminal.Failure(description: "connection refused") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = recv(fd, &buffer, buffer.count, 0)
        let head = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)   // "HTTP/1.1 200 OK…"
        guard let code = head.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw PseudoTerminal.Failure(description: "no status line: \(head)")
        }
        return code
    }
}
