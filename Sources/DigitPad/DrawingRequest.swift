import Data
import Foundation

/// The body of `POST /classify`: a grayscale drawing of any size, row by row, values 0 (black)
/// … 255 (white), dark ink on light or light on dark, in one of two forms:
///
///     Content-Type: application/json
///     {"width": 280, "height": 280, "pixels": [255, 255, 254, ...]}
///
///     POST /classify?width=280&height=280
///     Content-Type: application/octet-stream
///     (width × height bytes)
///
/// The page sends its whole canvas as bytes (decoding 78,400 JSON numbers took about 75 ms in
/// a release build, the bytes nothing); JSON is for people and scripts. `DigitClassifier`
/// prepares the drawing as `classify` prepares a picture file. A body that is neither is
/// refused with the reason (answered 400).
enum DrawingRequest {
    /// Sides above this are refused (the 1 MB body cap already bounds the pixel count).
    static let maxSide = 4096

    struct Body: Decodable {
        let width: Int
        let height: Int
        let pixels: [Double]
    }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func decode(_ data: Data) throws(Refusal) -> GrayImage {
        guard !data.isEmpty else { throw Refusal("the body is empty: expected JSON {\"width\", \"height\", \"pixels\"}") }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw Refusal("the JSON has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Refusal("wrong type at \(path(context)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw Refusal("a null at \(path(context))")
        } catch {
            throw Refusal("the body is not valid JSON {\"width\", \"height\", \"pixels\"}")
        }
        guard (1...maxSide).contains(body.width), (1...maxSide).contains(body.height) else {
            throw Refusal("width and height must be from 1 to \(maxSide), got \(body.width) × \(body.height)")
        }
        guard body.pixels.count == body.width * body.height else {
            throw Refusal("\(body.width) × \(body.height) needs \(body.width * body.height) pixels, got \(body.pixels.count)")
        }
        if let bad = body.pixels.firstIndex(where: { !(0...255).contains($0) }) {
            throw Refusal("pixel \(bad) is \(body.pixels[bad]); values go from 0 to 255")
        }
        return GrayImage(width: body.width, height: body.height, pixels: body.pixels.map { Float($0 / 255) })
    }

    /// Raw bytes, one a pixel, with the size from the query (`?width=280&height=280`).
    static func decode(bytes data: Data, width: String?, height: String?) throws(Refusal) -> GrayImage {
        guard let width, let height else {
            throw Refusal("bytes need the size in the query: /classify?width=W&height=H")
        }
        guard let w = Int(width), let h = Int(height), (1...maxSide).contains(w), (1...maxSide).contains(h) else {
            throw Refusal("width and height must be whole numbers from 1 to \(maxSide), got '\(width.prefix(20))' × '\(height.prefix(20))'")
        }
        guard data.count == w * h else {
            throw Refusal("\(w) × \(h) needs \(w * h) bytes, got \(data.count)")
        }
        return GrayImage(width: w, height: h, pixels: data.map { Float($0) / 255 })
    }

    static func path(_ context: DecodingError.Context) -> String {
        let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return p.isEmpty ? "the top level" : p
    }
}
