import Foundation

/// `serve m`: the digit pad, a web page to draw digits for `m` to classify. The command is
/// declared here with the others; the web server itself belongs to the nnsh program, which
/// installs it as `Session.startDigitPad` (so this library does not depend on an HTTP library).
struct ServeCommand: Command {
    static let name = "serve"
    static let group = CommandGroup.views
    static let summary = "Serve a web page to draw digits on and see the network classify them (Ctrl-C stops)."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "a classifier of 28×28 images (784 inputs)"),
        .option("host", .string, default: .string(DigitPadSettings.defaultHost),
                help: "the address to listen on; 0.0.0.0 lets other machines in"),
        .option("port", .integer(0...65_535), default: .number(Double(DigitPadSettings.defaultPort)),
                help: "the port; 0 picks a free one"),
    ]
    static let example = """
        m = load "Models/mnist.nnm"
        serve m port=0
        """
    static let details = """
        Open the address it prints in a browser and draw a digit with the mouse, a pen or a
        finger: after each stroke the page shows the three most likely classes and the 28×28
        image the network saw, prepared exactly as `classify` prepares a picture. It runs until
        Ctrl-C; the session then goes on with its variables. Only this machine can connect
        unless host= says otherwise. From the command line: nnsh serve model.nnm [port=N]
        [host=ADDR]. See docs/SERVE.md.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let settings = DigitPadSettings(host: try a.string("host"), port: try a.int("port"),
                                        classifier: try DigitClassifier(net))
        guard let start = shell.startDigitPad else {
            throw CommandError("this session has no web server (it comes with the nnsh program)")
        }
        let pad: DigitPadHandle
        do {
            pad = try start(settings)
        } catch {
            throw CommandError("cannot listen on \(settings.host) port \(settings.port): \(error)", parameter: "port")
        }
        shell.print("serving \(pad.url) (Ctrl-C stops)")
        while !shell.isInterrupted() {
            Thread.sleep(forTimeInterval: 0.02)
        }
        pad.stop()
        shell.acknowledgeInterrupt()
        shell.print("stopped serving \(pad.url)")
        return .none
    }
}

/// What `serve` asks the web server for.
public struct DigitPadSettings: Sendable {
    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 8028
    /// The address to bind (an IPv4 or IPv6 literal, or `localhost`).
    public let host: String
    /// The port; 0 asks the system for a free one.
    public let port: Int
    public let classifier: DigitClassifier

    public init(host: String = defaultHost, port: Int = defaultPort, classifier: DigitClassifier) {
        self.host = host
        self.port = port
        self.classifier = classifier
    }
}

/// A running digit pad: where it listens, and how to stop it.
public struct DigitPadHandle: Sendable {
    /// `http://127.0.0.1:8028/`: the page's address.
    public let url: String
    /// Stops listening and closes every connection; returns when the server has stopped.
    public let stop: @Sendable () -> Void

    public init(url: String, stop: @escaping @Sendable () -> Void) {
        self.url = url
        self.stop = stop
    }
}
