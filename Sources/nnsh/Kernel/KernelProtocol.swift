import Foundation

/// The JSON-lines protocol of `nnsh --kernel`, spoken with a notebook front end (the Jupyter
/// wrapper in Jupyter/nnsh_kernel): one request per line on standard input, one message per
/// line on standard output. docs/JUPYTER.md describes it for people.
///
/// Requests (`id` is echoed in every message the request causes):
///
///     {"type": "execute", "id": "1", "code": "x = 2\nprint x"}
///     {"type": "complete", "id": "2", "code": "tra", "cursor": 3}      cursor: code points
///     {"type": "inspect", "id": "3", "code": "train net", "cursor": 2}
///     {"type": "is_complete", "id": "4", "code": "for i in 0..<3 {"}
///     {"type": "shutdown", "id": "5"}
///
/// Messages:
///
///     {"type": "stream", "id": "1", "name": "stdout", "text": "2\n"}
///     {"type": "display", "id": "1", "display_id": "p1", "update": false,
///      "data": {"image/svg+xml": "<svg…", "text/plain": "…"}}
///     {"type": "error", "id": "1", "ename": "Error", "evalue": "message", "traceback": [lines]}
///     {"type": "clear", "id": "1"}                      clear the cell's output so far (`clear`)
///     {"type": "reply", "id": "1", "status": "ok" | "error", …}   always last for a request
///
/// A reply to `complete` carries `matches`, `cursor_start` and `cursor_end`; to `inspect`,
/// `found` and `data`; to `is_complete`, `state` ("complete" or "incomplete"); to `execute`
/// after `quit`, `quit` (the exit code: the process ends after the reply); to a failed
/// `execute`, the error's `ename`, `evalue` and `traceback` again.
struct KernelRequest: Decodable {
    enum Kind: String, Decodable {
        case execute, complete, inspect, isComplete = "is_complete", shutdown
    }
    var type: Kind
    var id: String?
    var code: String?
    var cursor: Int?

    /// The request on `line`, or a one-line reason it is not one.
    static func decode(_ line: String) -> Result<KernelRequest, KernelProtocolError> {
        do {
            return .success(try JSONDecoder().decode(KernelRequest.self, from: Data(line.utf8)))
        } catch DecodingError.dataCorrupted {
            return .failure(KernelProtocolError("not a JSON object: \(line.prefix(60))"))
        } catch {
            return .failure(KernelProtocolError("not a request (type is execute, complete, inspect, is_complete or shutdown; code and cursor as they need): \(line.prefix(60))"))
        }
    }
}

struct KernelProtocolError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Writes the kernel's messages, one JSON object a line, to the file descriptor it was given
/// (the original standard output: `nnsh --kernel` sends anything else printed to standard error).
struct KernelChannel {
    let descriptor: Int32

    func send(_ type: String, id: String?, _ fields: [String: Any]) {
        var message = fields
        message["type"] = type
        message["id"] = id ?? NSNull()
        guard var data = try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys]) else { return }
        data.append(UInt8(ascii: "\n"))
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    func stream(_ text: String, id: String?, name: String = "stdout") {
        send("stream", id: id, ["name": name, "text": text])
    }

    func display(_ data: [String: String], displayID: String, update: Bool, id: String?) {
        send("display", id: id, ["data": data, "display_id": displayID, "update": update])
    }

    func reply(id: String?, status: String = "ok", _ fields: [String: Any] = [:]) {
        var fields = fields
        fields["status"] = status
        send("reply", id: id, fields)
    }
}
