import FlyingFox
import FlyingSocks
import Foundation
import Shell

/// The digit pad's web server (`serve`, docs/SERVE.md): FlyingFox's HTTP server on one address,
/// answering with `DigitPadHandler`. `start` is what the nnsh program installs as
/// `Session.startDigitPad`: it returns once the server listens (or throws why it cannot), and
/// the server runs on Swift's concurrency threads until the handle's `stop`.
public enum DigitPadServer {
    /// Request bodies larger than this are answered 413 without being read into memory.
    public static let maxBodyBytes = 1 << 20
    /// A request still unanswered after this many seconds (queued behind others for the
    /// network, on a busy machine) is answered 500. FlyingFox's default of 15 s was reached by
    /// 200 requests at once in a debug build while the test suite ran beside it.
    static let handlerTimeout: TimeInterval = 120
    /// How long `stop` waits for open connections to finish.
    static let stopGrace: DispatchTimeInterval = .seconds(2)

    public static func start(_ settings: DigitPadSettings) throws -> DigitPadHandle {
        let address = try socketAddress(host: settings.host, port: settings.port)
        let config = HTTPServer.Configuration(address: address, timeout: handlerTimeout, logger: .disabled)
        let server = HTTPServer(config: config, handler: DigitPadHandler(classifier: settings.classifier))
        let started = Outcome<Socket.Address>()
        let running = Task {
            do {
                try await server.run()
                started.set(.failure(DigitPadError("the server stopped at once")))
            } catch {
                started.set(.failure(error))
            }
        }
        Task {
            do {
                try await server.waitUntilListening(timeout: 10)
                if let bound = await server.listeningAddress {
                    started.set(.success(bound))
                } else {
                    started.set(.failure(DigitPadError("the server did not say where it listens")))
                }
            } catch {
                started.set(.failure(error))
            }
        }
        let bound: Socket.Address
        switch started.wait() {
        case .success(let a): bound = a
        case .failure(let error):
            running.cancel()
            throw DigitPadError(describing: error)
        }
        let stop: @Sendable () -> Void = {
            // FlyingFox closes the listening socket first, then waits for its connections. One
            // whose client stopped in the middle of its headers is waited for until the client
            // gives up, so that wait is bounded: after `stopGrace` the port is free, and such a
            // connection is left to close with its client (or the process).
            let done = DispatchSemaphore(value: 0)
            Task {
                await server.stop(timeout: 0)
                running.cancel()
                _ = await running.result
                done.signal()
            }
            _ = done.wait(timeout: .now() + stopGrace)
        }
        return DigitPadHandle(url: url(of: bound, host: settings.host), stop: stop)
    }

    /// `127.0.0.1`, `::1`, `0.0.0.0`, `::` or `localhost` (taken as 127.0.0.1) with a port.
    static func socketAddress(host: String, port: Int) throws -> any SocketAddress {
        guard let port = UInt16(exactly: port) else { throw DigitPadError("port \(port) is not from 0 to 65535") }
        let name = host == "localhost" ? "127.0.0.1" : host
        if name.contains(":") {
            guard let a = try? sockaddr_in6.inet6(ip6: name, port: port) else {
                throw DigitPadError("host '\(host)' is not an IPv6 address")
            }
            return a
        }
        guard let a = try? sockaddr_in.inet(ip4: name, port: port) else {
            throw DigitPadError("host '\(host)' is not an IPv4 address such as 127.0.0.1 (or localhost)")
        }
        return a
    }

    /// The page's address; a server on every address (0.0.0.0, ::) is shown by its loopback one.
    static func url(of address: Socket.Address, host: String) -> String {
        switch address {
        case .ip4(let ip, let port):
            return "http://\(ip == "0.0.0.0" ? "127.0.0.1" : ip):\(port)/"
        case .ip6(let ip, let port):
            return "http://[\(ip == "::" ? "::1" : ip)]:\(port)/"
        case .unix(let path):
            return "unix:\(path)"
        }
    }
}

/// Why the server could not start, in one line.
struct DigitPadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// A socket error as its system message ("Address already in use").
    init(describing error: any Error) {
        if let e = error as? DigitPadError {
            self = e
        } else if case .failed(_, _, let message)? = error as? SocketError {
            self.init(message)
        } else {
            self.init("\(error)")
        }
    }
}

/// A result set once by whichever task gets there first, waited for by a thread outside Swift
/// concurrency (the session's).
final class Outcome<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let ready = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    func set(_ r: Result<Value, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        guard result == nil else { return }
        result = r
        ready.signal()
    }

    func wait() -> Result<Value, any Error> {
        ready.wait()
        lock.lock()
        defer { lock.unlock() }
        return result!
    }
}
