/// Top-k: whether the true class is among the k highest scores.
///
/// Classes are ranked by score, highest first; equal scores are ranked by class number, lowest
/// first (the same rule that makes argmax pick the first maximum, so top-1 equals accuracy).
/// NaN ranks below every number (argmax instead keeps class 0 when its score is NaN, so with
/// NaN outputs top-1 and accuracy can differ; such a network has no meaningful score anyway). The true class t is in the top k when fewer than k classes
/// rank ahead of it:
///
///     ahead(c) = s[c] > s[t]  or  (s[c] == s[t] and c < t)
///
/// e.g. scores (0.4, 0.4, 0.2) with t = 1: class 0 ties and comes first, so t is not in the top
/// 1 but is in the top 2.
public enum TopK {
    public static func contains(label t: Int, scores: [Double], k: Int) -> Bool {
        scores.withUnsafeBufferPointer { contains(label: t, scores: $0.baseAddress!, count: $0.count, k: k) }
    }

    static func contains<T: Scalar>(label t: Int, scores s: UnsafePointer<T>, count: Int, k: Int) -> Bool {
        guard t >= 0, t < count, k >= 1 else { return false }
        let target = Double(s[t])
        if target.isNaN { return nanAhead(t, s, count) < k }
        var ahead = 0
        for c in 0..<count where c != t {
            let x = Double(s[c])
            if x > target || (x == target && c < t) {
                ahead += 1
                if ahead >= k { return false }
            }
        }
        return true
    }

    /// With a NaN true score every number ranks ahead, and NaNs before t by class number.
    private static func nanAhead<T: Scalar>(_ t: Int, _ s: UnsafePointer<T>, _ count: Int) -> Int {
        (0..<count).filter { $0 != t && (!Double(s[$0]).isNaN || $0 < t) }.count
    }
}
