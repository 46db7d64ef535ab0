#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Engine

/// A column of a CSV file: by 0-based index (negative counts from the end: -1 is the last), or
/// by its name in the header.
public enum CSVColumn: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    case index(Int)
    case name(String)

    public init(integerLiteral value: Int) { self = .index(value) }
    public init(stringLiteral value: String) { self = .name(value) }
}

/// The classes of a CSV file's label column, when given rather than read from the labels.
public enum CSVClasses: Sendable, Equatable {
    /// The class names in class order: a label must be one of them.
    case names([String])
    /// Integer labels 0…count−1 (the highest ones may not occur in the file).
    case count(Int)
}

/// How to read a CSV file into a dataset.
public struct CSVOptions: Sendable {
    /// Whether the first row names the columns; nil decides from the file: the first row is a
    /// header when one of its cells is not a number.
    public var header: Bool?
    /// The cell separator (an ASCII character).
    public var delimiter: Character
    /// The column of class labels. Non-negative integers are class indices; anything else
    /// (`setosa`) names classes, numbered in sorted order.
    public var label: CSVColumn?
    /// Regression target columns (numbers). Used when `label` is nil.
    public var targets: [CSVColumn]
    /// The feature columns, in order; nil means every column that is not the label or a target.
    public var features: [CSVColumn]?
    /// The precision features are stored in, unless `pixels`.
    public var precision: FeaturePrecision
    /// Features are pixel values 0…255 (integers): stored as bytes and read as value/255, like
    /// the IDX MNIST files.
    public var pixels: Bool
    /// The image shape for pixel data; nil guesses a square when the width is a square number.
    public var imageShape: ImageShape?
    /// The classes, when the file alone cannot say: their names in class order (each label is
    /// one of them), or their number (integer labels 0…count−1, some perhaps unused). Nil
    /// numbers integer labels as themselves and names in sorted order.
    public var classes: CSVClasses?

    public init(
        header: Bool? = nil, delimiter: Character = ",", label: CSVColumn? = nil,
        targets: [CSVColumn] = [], features: [CSVColumn]? = nil,
        precision: FeaturePrecision = .float, pixels: Bool = false, imageShape: ImageShape? = nil,
        classes: CSVClasses? = nil
    ) {
        self.header = header
        self.delimiter = delimiter
        self.label = label
        self.targets = targets
        self.features = features
        self.precision = precision
        self.pixels = pixels
        self.imageShape = imageShape
        self.classes = classes
    }

    /// MNIST as CSV (as on Kaggle and in many courses): label first, then 784 pixel values.
    public static let mnist = CSVOptions(label: .index(0), pixels: true)
}

/// Reads comma-separated tables (RFC 4180: quoted cells, `""` inside quotes, CRLF or LF lines;
/// blank lines skipped; `.csv.gz` read through zlib). Every bad cell is an error with its line
/// and column.
///
///     let iris = try CSV.load(path: "iris.csv", options: CSVOptions(label: "species"))
///     let digits = try CSV.load(path: "mnist_train.csv", options: .mnist)
public enum CSV {
    /// `shouldStop` is asked between chunks of the file and every 1024 rows: when it says
    /// true, reading throws `.stopped`.
    public static func load(path: String, options: CSVOptions = CSVOptions(),
                            shouldStop: () -> Bool = { false }) throws(DataError) -> Dataset {
        let bytes = try FileReader.readAll(path: path, shouldStop: shouldStop)
        return try parse(bytes, file: path, options: options, shouldStop: shouldStop)
    }

    /// Parses CSV text; `file` is the name used in messages and as the dataset's name.
    public static func parse(text: String, file: String, options: CSVOptions = CSVOptions()) throws(DataError) -> Dataset {
        try parse(Array(text.utf8), file: file, options: options)
    }

    static func parse(_ bytes: [UInt8], file: String, options: CSVOptions,
                      shouldStop: () -> Bool = { false }) throws(DataError) -> Dataset {
        guard let delimiter = options.delimiter.asciiValue, delimiter != UInt8(ascii: "\""),
              delimiter != UInt8(ascii: "\n"), delimiter != UInt8(ascii: "\r") else {
            throw DataError(.invalidArgument, file: file, "the delimiter must be an ASCII character other than a quote or newline")
        }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(DataError) -> Dataset in
            var table = CSVTable(bytes: buffer, file: file, delimiter: delimiter)
            return try table.dataset(options: options, name: baseName(file), shouldStop: shouldStop)
        }
    }
}

/// One cell: the byte range `start..<end` and where its line starts, for messages. A quoted
/// cell's content (quotes removed, `""` unescaped) is `quoted[quotedIndex]` of the parser;
/// plain cells have `quotedIndex == -1`. (Plain data only, so the hot loop does no reference
/// counting.)
private struct Cell {
    var start: Int
    var end: Int
    var line: Int
    var lineStart: Int
    var quotedIndex: Int = -1
}

/// The parser's state over the file's bytes.
private struct CSVTable {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    let delimiter: UInt8
    var position = 0
    var line = 1
    var lineStart = 0
    /// The contents of the current record's quoted cells.
    var quoted = [[UInt8]]()

    /// What the memory budget leaves for parsing (`MemoryLimit.room`), taken once.
    let room = MemoryLimit.room

    init(bytes: UnsafeBufferPointer<UInt8>, file: String, delimiter: UInt8) {
        self.bytes = bytes
        self.file = file
        self.delimiter = delimiter
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3; lineStart = 3 }
    }

    // MARK: Records

    /// The next non-blank record's cells (into `cells`, reused); false at the end of the file.
    mutating func nextRecord(into cells: inout [Cell]) throws(DataError) -> Bool {
        cells.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {   // a blank line
                endLine()
                continue
            }
            break
        }
        guard position < bytes.count else { return false }
        while true {
            cells.append(try nextCell())
            if cells.count % 4096 == 0 { try checkMemory(ofRow: cells) }
            guard position < bytes.count else { return true }
            let c = bytes[position]
            if c == delimiter {
                position += 1
                continue
            }
            endLine()   // c is a newline
            return true
        }
    }

    /// How often (in rows) the values read so far are checked against the memory budget.
    static let checkEvery = 1 << 16

    /// A row's cells cost a `Cell` each (40 bytes) beside the file's bytes: one enormous row
    /// is refused while it is read when the two exceed what the memory budget leaves.
    private func checkMemory(ofRow cells: [Cell]) throws(DataError) {
        let need = bytes.count + cells.count * MemoryLayout<Cell>.stride
        guard need > room else { return }
        throw error(.tooLarge, at: cells[0],
                    "this row has more than \(cells.count) cells; with the file they need \(MemoryLimit.describe(need)), more than \(MemoryLimit.describe(room: room))")
    }

    /// Consumes "\n", "\r\n" or "\r".
    private mutating func endLine() {
        if bytes[position] == UInt8(ascii: "\r") && position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "\n") {
            position += 1
        }
        position += 1
        line += 1
        lineStart = position
    }

    private mutating func nextCell() throws(DataError) -> Cell {
        // Leading spaces are not part of a cell.
        while position < bytes.count && (bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t"))
            && bytes[position] != delimiter { position += 1 }
        let start = position
        if position < bytes.count && bytes[position] == UInt8(ascii: "\"") {
            let cellLine = line, cellLineStart = lineStart
            var content = [UInt8]()
            position += 1
            while true {
                guard position < bytes.count else {
                    throw error(.malformed, at: Cell(start: start, end: start, line: cellLine, lineStart: cellLineStart),
                                "a quoted cell is never closed")
                }
                let c = bytes[position]
                if c == UInt8(ascii: "\"") {
                    if position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "\"") {
                        content.append(c)
                        position += 2
                        continue
                    }
                    position += 1
                    break
                }
                if c == UInt8(ascii: "\n") { line += 1; lineStart = position + 1 }
                content.append(c)
                position += 1
            }
            quoted.append(content)
            let cell = Cell(start: start, end: position, line: cellLine, lineStart: cellLineStart, quotedIndex: quoted.count - 1)
            while position < bytes.count && (bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t")) {
                position += 1
            }
            if position < bytes.count && bytes[position] != delimiter
                && bytes[position] != UInt8(ascii: "\n") && bytes[position] != UInt8(ascii: "\r") {
                throw error(.malformed, at: Cell(start: position, end: position, line: line, lineStart: lineStart),
                            "unexpected text after a quoted cell")
            }
            return cell
        }
        while position < bytes.count {
            let c = bytes[position]
            if c == delimiter || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { break }
            position += 1
        }
        var end = position
        while end > start && (bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
        return Cell(start: start, end: end, line: line, lineStart: lineStart)
    }

    // MARK: Cells

    func text(_ cell: Cell) -> String {
        if cell.quotedIndex >= 0 { return String(decoding: quoted[cell.quotedIndex], as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[cell.start..<cell.end]), as: UTF8.self)
    }

    /// The cell as a finite number, or nil. Plain integers take a fast path; the rest go to strtod.
    func number(_ cell: Cell) -> Double? {
        if cell.quotedIndex >= 0 { return quoted[cell.quotedIndex].withUnsafeBufferPointer { parseNumber($0) } }
        return parseNumber(UnsafeBufferPointer(rebasing: bytes[cell.start..<cell.end]))
    }

    /// An error located at `cell` (line, and the character column counted in UTF-8 scalars).
    func error(_ kind: DataError.Kind, at cell: Cell, _ message: String) -> DataError {
        var column = 1
        var k = cell.lineStart
        while k < cell.start && k < bytes.count {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return DataError(kind, file: file, line: cell.line, column: column, message)
    }

    // MARK: The dataset

    mutating func dataset(options: CSVOptions, name: String, shouldStop: () -> Bool) throws(DataError) -> Dataset {
        var cells = [Cell]()
        guard try nextRecord(into: &cells) else {
            throw DataError(.malformed, file: file, "no rows")
        }
        let width = cells.count
        let hasHeader = options.header ?? cells.contains { number($0) == nil }
        let names: [String]? = hasHeader ? cells.map(text) : nil
        func describe(_ c: Int) -> String { names.map { "column \"\($0[c])\"" } ?? "column \(c)" }
        func resolve(_ column: CSVColumn) throws(DataError) -> Int {
            switch column {
            case .index(let i):
                let k = i < 0 ? width + i : i
                guard (0..<width).contains(k) else {
                    throw DataError(.invalidArgument, file: file, "there is no column \(i): the rows have \(width) cells (0…\(width - 1))")
                }
                return k
            case .name(let n):
                guard let names else {
                    throw DataError(.invalidArgument, file: file, "column \"\(n)\" is named but the file has no header row")
                }
                guard let k = names.firstIndex(of: n) else {
                    throw DataError(.invalidArgument, file: file, "no column \"\(n)\" (the header has \(names.joined(separator: ", ")))")
                }
                return k
            }
        }
        let labelColumn: Int? = try options.label.map { (c) throws(DataError) in try resolve(c) }
        var targetColumns = [Int]()
        if labelColumn == nil { for t in options.targets { targetColumns.append(try resolve(t)) } }
        var featureColumns = [Int]()
        if let chosen = options.features {
            for f in chosen { featureColumns.append(try resolve(f)) }
        } else {
            featureColumns = (0..<width).filter { $0 != labelColumn && !targetColumns.contains($0) }
        }
        guard !featureColumns.isEmpty else {
            throw DataError(.invalidArgument, file: file, "no feature columns are left")
        }
        let featureWidth = featureColumns.count

        var pixels = [UInt8](), floats = [Float](), doubles = [Double]()
        var labelTexts = [String](), targets = [Double]()
        var first = !hasHeader, rows = 0
        while true {
            if rows % 1024 == 0, shouldStop() {
                throw DataError(.stopped, file: file, "stopped after \(rows) rows")
            }
            if !first {
                guard try nextRecord(into: &cells) else { break }
            }
            first = false
            rows += 1
            if rows % CSVTable.checkEvery == 0 {
                let held = pixels.count + floats.count * MemoryLayout<Float>.stride + doubles.count * MemoryLayout<Double>.stride
                    + labelTexts.count * MemoryLayout<String>.stride + targets.count * MemoryLayout<Double>.stride
                try Data.checkMemory(count: 2 * held, bytesEach: 1, for: "the values of more than \(rows) rows", file: file)
            }
            guard cells.count == width else {
                throw error(.malformed, at: cells[0],
                            "this row has \(cells.count) cell\(cells.count == 1 ? "" : "s"); the first row has \(width)")
            }
            for c in featureColumns {
                guard let v = number(cells[c]) else {
                    throw error(.badValue, at: cells[c], "\(inQuotes(text(cells[c]))) in \(describe(c)) is not a number")
                }
                if options.pixels {
                    guard v >= 0, v <= 255, v == Double(Int(v)) else {
                        throw error(.badValue, at: cells[c], "\(inQuotes(text(cells[c]))) in \(describe(c)) is not a pixel value 0…255")
                    }
                    pixels.append(UInt8(v))
                } else if options.precision == .double {
                    doubles.append(v)
                } else {
                    floats.append(Float(v))
                }
            }
            if let labelColumn {
                let t = text(cells[labelColumn])
                guard !t.isEmpty else { throw error(.badValue, at: cells[labelColumn], "empty label in \(describe(labelColumn))") }
                labelTexts.append(t)
            }
            for c in targetColumns {
                guard let v = number(cells[c]) else {
                    throw error(.badValue, at: cells[c], "\(inQuotes(text(cells[c]))) in \(describe(c)) is not a number")
                }
                targets.append(v)
            }
        }
        let count = options.pixels ? pixels.count / featureWidth
            : options.precision == .double ? doubles.count / featureWidth : floats.count / featureWidth
        guard count > 0 else { throw DataError(.malformed, file: file, "no data rows") }

        var targetValue = Targets.none
        var classNames: [String]? = nil
        if labelColumn != nil {
            let (labels, classes, namesOfClasses) = try classLabels(labelTexts, given: options.classes)
            targetValue = .classes(labels: labels, classCount: classes)
            classNames = namesOfClasses
        } else if !targetColumns.isEmpty {
            targetValue = .values(Matrix(rows: count, columns: targetColumns.count, storage: targets))
        }
        var shape = options.imageShape
        if shape == nil && options.pixels {
            let side = Int(Double(featureWidth).squareRoot().rounded())
            if side * side == featureWidth { shape = ImageShape(rows: side, columns: side) }
        }
        let storage: FeatureStorage = options.pixels ? .pixels(pixels)
            : options.precision == .double ? .double(doubles) : .float(floats)
        return try Dataset(name: name, features: storage, inputWidth: featureWidth, targets: targetValue,
                           classNames: classNames, imageShape: shape)
    }

    /// Class indices from label texts. Given names: each text's place among them. Otherwise
    /// non-negative integers are their own class (below the given count, if any); other
    /// labels name the classes, numbered in sorted order.
    private func classLabels(_ texts: [String], given: CSVClasses?) throws(DataError) -> ([Int], Int, [String]?) {
        if case .names(let names) = given {
            guard !names.isEmpty, Set(names).count == names.count else {
                throw DataError(.invalidArgument, file: file, "the class names given must be distinct, and at least one")
            }
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            var labels = [Int]()
            labels.reserveCapacity(texts.count)
            for (i, t) in texts.enumerated() {
                guard let c = index[t] else {
                    throw DataError(.badValue, file: file, "the label \(inQuotes(t)) of example \(i) is not one of the classes given (\(names.joined(separator: ", ")))")
                }
                labels.append(c)
            }
            return (labels, names.count, names)
        }
        let integers = texts.compactMap { Int($0) }
        if integers.count == texts.count, integers.allSatisfy({ $0 >= 0 }) {
            let k = (integers.max() ?? 0) + 1
            guard k <= 100_000 else { throw DataError(.badValue, file: file, "label \(k - 1) is too large for a class index") }
            guard case .count(let given) = given else { return (integers, k, nil) }
            guard k <= given else {
                throw DataError(.badValue, file: file, "label \(k - 1) is not a class 0…\(given - 1) (\(given) classes were given)")
            }
            return (integers, given, nil)
        }
        if case .count = given {
            throw DataError(.badValue, file: file, "a number of classes was given, but the labels are not all whole numbers ≥ 0 (give the class names instead)")
        }
        let names = Array(Set(texts)).sorted()
        guard names.count <= 100_000 else { throw DataError(.badValue, file: file, "\(names.count) distinct labels; too many classes") }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return (texts.map { index[$0]! }, names.count, names)
    }
}

private func inQuotes(_ s: String) -> String { "\"" + s + "\"" }

/// A finite number from ASCII bytes, or nil. Plain integers are converted directly; other forms
/// (decimals, exponents) go through strtod, which must consume the whole cell.
private func parseNumber(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
    guard !s.isEmpty, s.count < 64 else { return nil }
    var k = 0
    var negative = false
    if s[0] == UInt8(ascii: "-") || s[0] == UInt8(ascii: "+") { negative = s[0] == UInt8(ascii: "-"); k = 1 }
    if k < s.count && s.count - k <= 15 {
        var value = 0
        var plain = true
        for i in k..<s.count {
            let d = s[i] &- UInt8(ascii: "0")
            if d > 9 { plain = false; break }
            value = value * 10 + Int(d)
        }
        if plain { return Double(negative ? -value : value) }
    }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: s.count + 1) { text -> Double? in
        for i in 0..<s.count { text[i] = CChar(bitPattern: s[i]) }
        text[s.count] = 0
        var end: UnsafeMutablePointer<CChar>? = nil
        let v = strtod(text.baseAddress!, &end)
        guard let end, end - text.baseAddress! == s.count, v.isFinite else { return nil }
        // strtod also reads hexadecimal and "infinity"; a CSV number is decimal.
        for i in 0..<s.count where s[i] == UInt8(ascii: "x") || s[i] == UInt8(ascii: "X") { return nil }
        return v
    }
}
