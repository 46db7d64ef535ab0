import Data
import FlyingFox
import Foundation
import Shell

/// The digit pad's routes. Nothing is served from disk: the page is a string in the program.
///
///     GET  /          the page (Page.html)
///     POST /classify  a drawing (DrawingRequest: JSON, or bytes) → the top 3 and the 28×28
///                     image the network saw (ReadingResponse)
///
/// Anything else is 404 (405 for a known path with the wrong method). Every error answer is
/// JSON, `{"error": "one line saying why"}`.
struct DigitPadHandler: HTTPHandler {
    let classifier: DigitClassifier

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        // HEAD: the GET answer's status and headers without its body (a body would be read as
        // the start of the next response on a kept-alive connection).
        guard request.method == .HEAD else { return await respond(to: request) }
        var get = request
        get.method = .GET
        var response = await respond(to: get)
        response.payload = .httpBody(HTTPBodySequence())
        return response
    }

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        switch (request.path, request.method) {
        case ("/", .GET), ("/index.html", .GET):
            return HTTPResponse(statusCode: .ok,
                                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                                body: Data(Page.html.utf8))
        case ("/classify", .POST):
            return await classify(request)
        case ("/", _), ("/classify", _):
            return Self.error(.methodNotAllowed, "\(request.method.rawValue) is not allowed here")
        default:
            return Self.error(.notFound, "no such page: \(String(request.path.prefix(200)))")
        }
    }

    /// Reads at most `DigitPadServer.maxBodyBytes` of the body, then classifies the drawing.
    func classify(_ request: HTTPRequest) async -> HTTPResponse {
        let limit = DigitPadServer.maxBodyBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            return Self.error(.payloadTooLarge, "the body has \(declared) bytes; at most \(limit) are read")
        }
        var body = Data()
        do {
            for try await chunk in request.bodySequence {
                body.append(chunk)
                if body.count > limit {
                    return Self.error(.payloadTooLarge, "the body has more than \(limit) bytes")
                }
            }
        } catch {
            return Self.error(.badRequest, "the body could not be read")
        }
        let drawing: GrayImage
        do {
            if request.headers[.contentType]?.lowercased().hasPrefix("application/octet-stream") == true {
                drawing = try DrawingRequest.decode(bytes: body, width: request.query["width"], height: request.query["height"])
            } else {
                drawing = try DrawingRequest.decode(body)
            }
        } catch {
            return Self.error(.badRequest, error.description)
        }
        do {
            let reading = try classifier.classify(drawing, top: 3)
            return Self.json(.ok, ReadingResponse(reading))
        } catch {
            return Self.error(.unprocessableContent, error.message)
        }
    }

    static func json(_ status: HTTPStatusCode, _ value: some Encodable) -> HTTPResponse {
        let data = (try? JSONEncoder().encode(value)) ?? Data(#"{"error":"the answer could not be written"}"#.utf8)
        return HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: data)
    }

    static func error(_ status: HTTPStatusCode, _ reason: String) -> HTTPResponse {
        var r = json(status, ["error": reason])
        if status == .payloadTooLarge { r.headers[.connection] = "close" }
        return r
    }
}

extension HTTPStatusCode {
    static let unprocessableContent = HTTPStatusCode(422, phrase: "Unprocessable Content")
}
