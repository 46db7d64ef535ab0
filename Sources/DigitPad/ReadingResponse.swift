import Shell

/// The answer to `POST /classify`: the three most likely classes, most likely first, and the
/// 28×28 image the network saw (row by row, 0 black … 1 white, 3 decimals):
///
///     {"top": [{"class": "3", "index": 3, "p": 0.981}, ...], "width": 28, "height": 28,
///      "seen": [0, 0, 0.125, ...]}
struct ReadingResponse: Encodable {
    struct Ranked: Encodable {
        let `class`: String
        let index: Int
        let p: Double
    }
    let top: [Ranked]
    let width: Int
    let height: Int
    let seen: [Double]

    init(_ reading: DigitClassifier.Reading) {
        top = reading.ranked.map { Ranked(class: $0.label, index: $0.index, p: $0.probability) }
        width = reading.seen.width
        height = reading.seen.height
        seen = reading.seen.pixels.map { (Double($0) * 1000).rounded() / 1000 }
    }
}
