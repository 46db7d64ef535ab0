/// Why a dataset, image or transform could not be made, and where.
///
/// Every reader throws this one type. `description` is a single line that names the file (and
/// the line and column when there is one), ready to be shown as is:
///
///     train.csv:12:7: cell "4.x" (column "width") is not a number
///     t10k-images-idx3-ubyte.gz: truncated: the file ends after 1000 of 7840000 data bytes
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of failure, so callers and tests can tell cases apart without parsing text.
    public enum Kind: String, Sendable {
        /// The file could not be opened or read.
        case cannotRead
        /// The file does not start the way its format requires (IDX magic, PNG signature, "P5").
        case badMagic
        /// The file ends before the data its header announces.
        case truncated
        /// The header's sizes disagree with the number of bytes in the file.
        case sizeMismatch
        /// Two files (or a file and an argument) disagree on the number of examples.
        case countMismatch
        /// A declared size is beyond anything sensible (more than `IDX.maximumBytes`, …).
        case tooLarge
        /// A value that does not parse or is out of range (a CSV cell, a label, a PGM number).
        case badValue
        /// A valid file using a feature we do not read (an interlaced PNG, 16-bit PNG, …).
        case unsupported
        /// A structural problem not covered above (a missing PNG chunk, a ragged CSV row, …).
        case malformed
        /// A bad argument to a transform (a fraction outside (0, 1), k larger than the data, …).
        case invalidArgument
        /// The caller's `shouldStop` said stop (Ctrl-C) between chunks: nothing was returned.
        case stopped
    }

    public var kind: Kind
    /// The file the problem is in, or a short name of the operation for transforms.
    public var file: String
    /// 1-based line, when the format has lines.
    public var line: Int?
    /// 1-based character column, when the format has lines.
    public var column: Int?
    public var message: String
    /// For `.tooLarge`: the bytes the values already held took of the memory limit, when they
    /// are what left too little room (`EngineError.heldBytes`).
    public var heldBytes: Int?

    public init(_ kind: Kind, file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = file
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return "\(place): \(message)"
    }
}
