/// What the Tab key does, given the text before the cursor and the candidates the Session
/// offers (`Session.completions(line:cursor:)`). Each candidate is a whole word (a command,
/// variable, option like `lr=`, or path) that should replace the partial word before the cursor.
enum CompletionAction: Equatable {
    /// Nothing matches: beep.
    case nothing
    /// Type this text at the cursor (the rest of a unique candidate, or the common prefix).
    case insert(String)
    /// Several candidates and nothing more in common: show them.
    case list([String])

    /// Decides the action.
    ///
    /// The typed part of the word is the longest suffix of `textBeforeCursor` that starts every
    /// candidate, so this works whatever the Session counts as a word (`lr=`, `Data/mn`, `(net`).
    /// A unique candidate is completed and followed by a space, except after `/` and `=` where
    /// more typing follows, and inside a string (a file name) where the string is closed.
    ///
    ///     CompletionAction(textBeforeCursor: "tra", candidates: ["train"]) == .insert("in ")
    ///     CompletionAction(textBeforeCursor: "e", candidates: ["eval", "epochs="]) == .list(...)
    init(textBeforeCursor: String, candidates: [String]) {
        var seen = Set<String>()
        let unique = candidates.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else {
            self = .nothing
            return
        }
        let typed = Self.typedPart(of: textBeforeCursor, startingAll: unique)
        let rests = unique.map { String($0.dropFirst(typed.count)) }
        if rests.count == 1 {
            let rest = rests[0]
            let wantsMore = unique[0].hasSuffix("/") || unique[0].hasSuffix("=")
            let inString = textBeforeCursor.dropLast(typed.count).last == "\""
            self = .insert(wantsMore ? rest : rest + (inString ? "\" " : " "))
            return
        }
        let common = Self.commonPrefix(rests)
        self = common.isEmpty ? .list(unique.sorted()) : .insert(common)
    }

    /// The longest suffix of `text` that every candidate starts with (possibly empty).
    static func typedPart(of text: String, startingAll candidates: [String]) -> String {
        let longest = candidates.map(\.count).min() ?? 0
        var length = min(text.count, longest)
        while length > 0 {
            let suffix = String(text.suffix(length))
            if candidates.allSatisfy({ $0.hasPrefix(suffix) }) { return suffix }
            length -= 1
        }
        return ""
    }

    /// The longest common prefix, compared character by character.
    static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map(Array.init) else { return "" }
        for string in strings.dropFirst() {
            let characters = Array(string)
            var n = 0
            while n < prefix.count, n < characters.count, prefix[n] == characters[n] { n += 1 }
            prefix.removeLast(prefix.count - n)
        }
        return String(prefix)
    }
}

/// Lays `items` out in columns that fit `width` characters, filled down then across (like `ls`).
/// Every line ends with a newline.
func columnLayout(_ items: [String], width: Int) -> String {
    guard !items.isEmpty else { return "" }
    let cell = (items.map(\.count).max() ?? 0) + 2
    let columns = max(1, width / cell)
    let rows = (items.count + columns - 1) / columns
    var text = ""
    for row in 0..<rows {
        var line = ""
        for column in 0..<columns {
            let index = column * rows + row
            guard index < items.count else { break }
            let item = items[index]
            let isLast = column == columns - 1 || index + rows >= items.count
            line += isLast ? item : item + String(repeating: " ", count: cell - item.count)
        }
        text += line + "\n"
    }
    return text
}
