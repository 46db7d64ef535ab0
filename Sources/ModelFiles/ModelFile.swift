import Engine
/// nnsh's own model file: save, load and inspect (docs/FORMAT.md is the specification).
///
///     try ModelFile.write(net, to: "digits.nnsh", extras: extras)   // atomic: old file survives a crash
///     let loaded = try ModelFile.read("digits.nnsh")                 // refuses damaged files
///     let summary = try ModelFile.info("digits.nnsh").lines          // without keeping the model
///
/// `writeContents`/`readContents` (and `encode`/`decode` on bytes) work on the file's
/// contents as plain values (`SavedModel`), independent of `Network`.
///
/// Layout: preamble (magic, version, section lengths), header section (tagged records),
/// data section (tensors), CRC-32 of everything before it. All little-endian.
public enum ModelFile {
    /// `89 4E 4E 53 48 0D 0A 1A`: a non-ASCII first byte, "NNSH", then CR LF and Ctrl-Z so
    /// text-mode transfers and `type` on Windows are caught, as in PNG.
    public static let magic: [UInt8] = [0x89, 0x4E, 0x4E, 0x53, 0x48, 0x0D, 0x0A, 0x1A]
    /// The newest format version this nnsh writes. It reads every file with the same major
    /// version; records and fields added by a newer minor version are skipped. A file is
    /// written with the lowest minor version that holds its contents (`minorVersion(for:)`):
    /// 1.1 added the optional `drop` record (dropout layers), so files without dropout stay 1.0;
    /// 1.2 the `LAYR` record (every layer kind, and the input's shape), written in place of
    /// `NETW` by networks that 1.1 cannot hold (a convolution, an image input).
    public static let versionMajor: UInt16 = 1
    public static let versionMinor: UInt16 = 2
    /// Magic, major, minor, header length, data length.
    static let preambleSize = 8 + 2 + 2 + 8 + 8
    static let checksumSize = 4
    /// The largest layer or input width (BLAS takes 32-bit sizes).
    static let maximumWidth = Int(Int32.max)
    /// The longest an epoch of the history may have lasted: 10^9 s, about 31 years. NaN, an
    /// infinity, a negative or a larger duration is damage, and would print as nonsense.
    static let maximumEpochSeconds: Double = 1e9
    /// The most moment tensors per parameter an optimiser may keep.
    static let maximumSlots = 8

    /// Record tags. An upper-case first letter marks a record a reader must understand;
    /// lower-case marks one it may skip when it does not know it.
    enum Tag {
        static let network = "NETW"
        static let layers = "LAYR"
        static let preprocessing = "PREP"
        static let optimizer = "OPTM"
        static let generator = "RAND"
        static let history = "hist"
        static let dropout = "drop"
        static let learningRates = "lrat"
        static let provenance = "prov"
    }

    /// Saves `model` to `path` atomically (temporary file, fsync, rename).
    public static func writeContents<T: Scalar>(_ model: SavedModel<T>, to path: String) throws(ModelFileError) {
        let bytes: [UInt8]
        do { bytes = try encode(model) } catch { throw error.at(path: path) }
        try AtomicFile.write(bytes, to: path)
    }

    /// Loads the contents of the model file at `path`, checking everything (FORMAT.md, "Reading").
    public static func readContents(_ path: String) throws(ModelFileError) -> LoadedModel {
        let bytes = try readFile(path)
        do { return try decode(bytes) } catch { throw error.at(path: path) }
    }

    /// A summary of the model at `path` (architecture, metrics, provenance), checked as
    /// thoroughly as `read` but without keeping the numbers.
    public static func info(_ path: String) throws(ModelFileError) -> ModelInfo {
        let bytes = try readFile(path)
        do {
            let (model, skipped) = try decodeReportingSkipped(bytes)
            let version = (UInt16(bytes[8]) | UInt16(bytes[9]) << 8, UInt16(bytes[10]) | UInt16(bytes[11]) << 8)
            return ModelInfo(header: model.header, fileSize: bytes.count,
                             formatVersion: "\(version.0).\(version.1)", skippedRecords: skipped)
        } catch {
            throw error.at(path: path)
        }
    }

    /// The bytes of the file at `path`, read only when its preamble says it is a model file of
    /// the file's size (a large file of something else is refused after its first bytes).
    private static func readFile(_ path: String) throws(ModelFileError) -> [UInt8] {
        try AtomicFile.read(path, head: preambleSize) { (head: [UInt8], size: Int) throws(ModelFileError) in
            _ = try checkPreamble(head, fileSize: size)
        }
    }
}
