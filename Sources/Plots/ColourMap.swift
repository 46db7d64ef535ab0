/// The colour scale of heatmaps: matplotlib's "viridis" (dark purple → blue → green → yellow),
/// readable in colour and in greyscale, with its nearest xterm 256-colour and a Unicode shade for
/// terminals without colour. Positions t run from 0 (lowest value) to 1 (highest).
enum ColourMap {
    /// Viridis sampled at t = 0, 1/8, …, 1 (RGB, 0…255); colours in between are interpolated.
    private static let anchors: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    /// Shades from lowest to highest value, for terminals without colour.
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    /// The colour at t (clamped to 0…1), channels 0…255.
    static func rgb(_ t: Double) -> (red: Double, green: Double, blue: Double) {
        let t = t.isFinite ? min(1, max(0, t)) : 0
        let position = t * Double(anchors.count - 1)
        let i = min(anchors.count - 2, Int(position))
        let f = position - Double(i)
        let a = anchors[i], b = anchors[i + 1]
        return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    /// "#rrggbb" for SVG.
    static func hex(_ t: Double) -> String {
        let c = rgb(t)
        return "#" + [c.red, c.green, c.blue].map { channel in
            let v = Int(channel.rounded())
            let digits = String(v, radix: 16)
            return v < 16 ? "0" + digits : digits
        }.joined()
    }

    /// The nearest colour of the xterm 6×6×6 cube (indices 16…231).
    static func ansi256(_ t: Double) -> Int {
        let levels: [Double] = [0, 95, 135, 175, 215, 255]
        func nearest(_ v: Double) -> Int {
            levels.indices.min { abs(levels[$0] - v) < abs(levels[$1] - v) } ?? 0
        }
        let c = rgb(t)
        return 16 + 36 * nearest(c.red) + 6 * nearest(c.green) + nearest(c.blue)
    }

    /// Whether text on this colour should be light (white) rather than dark.
    static func isDark(_ t: Double) -> Bool {
        let c = rgb(t)
        return 0.299 * c.red + 0.587 * c.green + 0.114 * c.blue < 140
    }

    /// The shade character for t: evenly spaced bands, the lowest blank.
    static func shade(_ t: Double) -> Character {
        let t = t.isFinite ? min(1, max(0, t)) : 0
        return shades[min(shades.count - 1, Int(t * Double(shades.count)))]
    }
}
