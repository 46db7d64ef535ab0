/// How many terminal cells text takes, as `wcwidth` counts them but without the C locale:
/// East Asian wide and fullwidth characters (CJK, Hangul, fullwidth forms, most emoji) take 2,
/// combining marks and other zero-width characters 0, everything else 1. ANSI escape sequences
/// (`ESC [ ... letter`) take none.
///
///     "loss".displayWidth      // 4
///     "学习率".displayWidth     // 6
extension StringProtocol {
    public var displayWidth: Int {
        var width = 0
        var inEscape = false, afterEscape = false
        for scalar in unicodeScalars {
            if afterEscape {
                afterEscape = false
                inEscape = scalar == "["
                continue
            }
            if inEscape {
                if (0x40...0x7E).contains(scalar.value) { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" {
                afterEscape = true
                continue
            }
            width += DisplayWidth.of(scalar)
        }
        return width
    }
}

extension String {
    /// The longest start of the string (escape sequences kept whole) that fits `width` cells.
    public func prefix(fittingWidth width: Int) -> String {
        var out = "", used = 0
        var inEscape = false, afterEscape = false
        for scalar in unicodeScalars {
            if afterEscape || inEscape || scalar == "\u{1B}" {
                if afterEscape { afterEscape = false; inEscape = scalar == "[" }
                else if inEscape { if (0x40...0x7E).contains(scalar.value) { inEscape = false } }
                else { afterEscape = true }
                out.unicodeScalars.append(scalar)
                continue
            }
            let w = DisplayWidth.of(scalar)
            if used + w > width { break }
            used += w
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

public enum DisplayWidth {
    /// The cells one Unicode scalar takes: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (0x1160...0x11FF).contains(v) { return 0 }
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    /// East Asian Wide (W) and Fullwidth (F) ranges (Unicode's EastAsianWidth.txt, grouped).
    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
        0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
        0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x18CFF, 0x1B000...0x1B2FF,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F2FF, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB,
        0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
