/// "Did you mean" suggestions by edit distance.
enum Suggest {
    /// Levenshtein distance (insert, delete, substitute each cost 1).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var row = previous
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &row)
        }
        return previous[b.count]
    }

    /// Up to three candidates within a distance that grows with the word's length (or that
    /// start with the word), closest first.
    static func closest(_ word: String, among candidates: [String]) -> [String] {
        let limit = word.count <= 3 ? 1 : (word.count <= 6 ? 2 : 3)
        let scored = Set(candidates).compactMap { c -> (String, Int)? in
            let d = distance(word, c)
            if d <= limit { return (c, d) }
            if word.count >= 3, c.hasPrefix(word) { return (c, limit) }
            return nil
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(3).map(\.0)
    }

    /// "; did you mean 'train'?" or "" when nothing is close.
    static func didYouMean(_ word: String, among candidates: [String]) -> String {
        let close = closest(word, among: candidates)
        guard !close.isEmpty else { return "" }
        return "; did you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }
}
