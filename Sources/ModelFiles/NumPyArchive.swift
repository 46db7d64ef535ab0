import Engine
/// A NumPy `.npz` archive: a ZIP file (`ZipArchive`) whose members are `.npy` arrays
/// (`NumPyArray`), each named `<key>.npy`. `numpy.load("x.npz")["key"]` reads one.
///
///     var archive = NumPyArchive()
///     archive["inputs"] = NumPyArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6] as [Float])
///     try archive.write(to: "x.npz")
///
/// nnsh writes members stored (uncompressed), as `numpy.savez` does; it reads stored and
/// deflated ones (`numpy.savez_compressed`).
public struct NumPyArchive: Equatable, Sendable {
    /// The arrays in the archive's order, with their keys (member names without `.npy`).
    public private(set) var arrays: [(key: String, array: NumPyArray)] = []

    public init() {}

    public subscript(key: String) -> NumPyArray? {
        get { arrays.first { $0.key == key }?.array }
        set {
            if let i = arrays.firstIndex(where: { $0.key == key }) {
                if let newValue { arrays[i].array = newValue } else { arrays.remove(at: i) }
            } else if let newValue {
                arrays.append((key, newValue))
            }
        }
    }

    public var keys: [String] { arrays.map(\.key) }

    public static func == (a: NumPyArchive, b: NumPyArchive) -> Bool {
        a.arrays.count == b.arrays.count && zip(a.arrays, b.arrays).allSatisfy { $0.key == $1.key && $0.array == $1.array }
    }

    /// The weights of `network` by layer, named as PyTorch names them and as the safetensors
    /// export does: `layers.<i>.weight` (`[outputs, inputs]`) and `layers.<i>.bias`
    /// (`[outputs]`), float32 or float64 as the network's precision.
    public init(network: AnyNetwork) {
        for t in SafeTensorsFile(network: network).tensors {
            self[t.name] = NumPyArray(dtype: t.dtype == .F64 ? .float64 : .float32, shape: t.shape, data: t.data)
        }
    }

    // MARK: - Bytes

    public func encode() throws(ModelFileError) -> [UInt8] {
        try ZipArchive.encode(arrays.map { ZipArchive.Member(name: $0.key + ".npy", data: $0.array.encode()) })
    }

    public static func decode(_ bytes: [UInt8]) throws(ModelFileError) -> NumPyArchive {
        var archive = NumPyArchive()
        for member in try ZipArchive.decode(bytes) {
            guard member.name.hasSuffix(".npy"), member.name.count > 4 else {
                throw ModelFileError(.unsupportedContent, "member '\(member.name)' is not a .npy array",
                                     hint: "a .npz archive holds only name.npy members (numpy.savez writes them)")
            }
            do {
                archive.arrays.append((String(member.name.dropLast(4)), try NumPyArray.decode(member.data)))
            } catch {
                var e = error
                e.message = "member '\(member.name)': " + e.message
                e.offset = nil   // the offset is within the member, not the file
                throw e
            }
        }
        return archive
    }

    // MARK: - Files

    /// Writes the archive atomically (temporary file, fsync, rename).
    public func write(to path: String) throws(ModelFileError) {
        let bytes: [UInt8]
        do { bytes = try encode() } catch { throw error.at(path: path) }
        try AtomicFile.write(bytes, to: path)
    }

    public static func read(_ path: String) throws(ModelFileError) -> NumPyArchive {
        let bytes = try AtomicFile.read(path)
        do { return try decode(bytes) } catch { throw error.at(path: path) }
    }

    /// Writes one array as a `.npy` file, atomically.
    public static func write(_ array: NumPyArray, to path: String) throws(ModelFileError) {
        try AtomicFile.write(array.encode(), to: path)
    }

    /// Reads one `.npy` file; a larger file than the memory limit allows is refused after its
    /// first bytes.
    public static func readArray(_ path: String) throws(ModelFileError) -> NumPyArray {
        let bytes = try AtomicFile.read(path, head: 6) { (head: [UInt8], size: Int) throws(ModelFileError) in
            guard head.count == 6, head == NumPyArray.magic else {
                let isZip = head.starts(with: [0x50, 0x4b, 0x03, 0x04])
                throw ModelFileError(.notAModelFile, isZip ? "a .npz archive, not a single .npy array" : "not a .npy array: it does not start with \\x93NUMPY",
                                     hint: isZip ? "read it with npz" : "the file is damaged or not a NumPy .npy file", offset: 0)
            }
        }
        do { return try NumPyArray.decode(bytes) } catch { throw error.at(path: path) }
    }
}
