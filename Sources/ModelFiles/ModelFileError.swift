import Engine
/// Why a model file (nnsh's own format or safetensors) could not be read or written.
///
/// A value, rendered only at the edge: `description` is one line naming the file, the byte
/// offset where the problem was found (when there is one), what is wrong and what to do.
///
///     model.nnsh: checksum mismatch: the file is damaged (hint: save the model again or restore a copy)
public struct ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, by name, so tests and callers can tell the cases apart.
    public enum Kind: String, Equatable, Sendable {
        case notAModelFile, newerVersion, unsupportedVersion, truncated, trailingBytes
        case checksumMismatch, malformed, shapeMismatch, nonFiniteValue
        case unsupportedContent, io, tooLarge
    }

    public var kind: Kind
    /// The file concerned; empty while decoding bytes that are not (yet) tied to a file.
    public var path: String
    /// The byte offset in the file where the problem was found, when it is known.
    public var offset: Int?
    /// What is wrong, without the file name.
    public var message: String
    /// What the user can do about it.
    public var hint: String
    /// The remedy, as data, when it is a step taken in the program that uses the engine (raise
    /// the memory limit, read the file the other way): that program words it in its own terms;
    /// `hint` says it without them.
    public var remedy: Remedy?

    public enum Remedy: Equatable, Sendable {
        /// Raise the memory limit (`MemoryLimit.set`).
        case raiseMemoryLimit
        /// Read the file as safetensors (`ModelFile.importSafeTensors`).
        case readAsSafeTensors
        /// Give a file in nnsh's model format (`ModelFile.write` writes them); safetensors files
        /// are read as such.
        case giveModelFile
    }

    public init(_ kind: Kind, _ message: String, hint: String, offset: Int? = nil, path: String = "",
                remedy: Remedy? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.offset = offset
        self.path = path
        self.remedy = remedy
    }

    public var description: String {
        var line = path.isEmpty ? "" : "\(path): "
        if let offset { line += "at byte \(offset): " }
        return line + message + " (hint: \(hint))"
    }

    /// `MemoryLimit.check` for a model file: an allocation it would exceed is a `.tooLarge`
    /// error carrying the limit's message.
    static func checkMemory(count: Int, times: Int = 1, bytesEach: Int, for what: String,
                            hint: String, offset: Int? = nil) throws(ModelFileError) {
        do {
            try MemoryLimit.check(count: count, times: times, bytesEach: bytesEach, for: what)
        } catch {
            throw ModelFileError(.tooLarge, error.message, hint: hint, offset: offset)
        }
    }

    /// The same error attributed to `path` (decoders work on bytes; readers know the file).
    func at(path: String) -> ModelFileError {
        var copy = self
        copy.path = path
        return copy
    }
}
