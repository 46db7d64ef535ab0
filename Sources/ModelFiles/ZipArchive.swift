import Engine
import CZlib

/// The ZIP container, as far as `.npz` files need it (PKWARE APPNOTE 6.3): members stored
/// (method 0) or deflated (method 8), found through the central directory at the end.
///
///     local header | data  …  central directory (one entry per member) | end record
///
/// Writing stores every member uncompressed, with fixed timestamps (1980-01-01), so the same
/// arrays give the same bytes. Reading takes names, sizes and offsets from the central
/// directory (with the ZIP64 extra field NumPy's `savez` always writes), checks every offset
/// and size against the file before using it, inflates no more than the declared size (a
/// declared size over the memory limit is refused before anything is allocated), and checks
/// each member's CRC-32. Encrypted members, multi-disk archives and archives over 4 GiB are
/// refused.
enum ZipArchive {
    struct Member: Equatable {
        var name: String
        var data: [UInt8]
    }

    static let damaged = "the file is damaged or not a ZIP archive"

    // MARK: - Writing

    static func encode(_ members: [Member]) throws(ModelFileError) -> [UInt8] {
        guard members.count < 0xFFFF else {
            throw ModelFileError(.tooLarge, "\(members.count) members are more than a ZIP archive without ZIP64 holds", hint: "write fewer arrays")
        }
        var w = ByteWriter()
        var central = ByteWriter()
        for m in members {
            let offset = w.count
            let name = Array(m.name.utf8)
            guard m.data.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, name.count < 0xFFFF else {
                throw ModelFileError(.tooLarge, "member '\(m.name)' does not fit a ZIP archive without ZIP64 (4 GiB)",
                                     hint: "write smaller arrays")
            }
            let crc = CRC32.checksum(m.data)
            // Local header: signature, version needed 2.0, flags (bit 11: UTF-8 names),
            // method 0, time and date, CRC, sizes, name length, extra length.
            w.uint32(0x0403_4b50)
            w.uint16(20); w.uint16(0x0800); w.uint16(0)
            w.uint16(0); w.uint16(0x21)
            w.uint32(crc); w.uint32(UInt32(m.data.count)); w.uint32(UInt32(m.data.count))
            w.uint16(UInt16(name.count)); w.uint16(0)
            w.append(name)
            w.append(m.data)
            // Central directory entry: as above, plus version made by, comment length, disk,
            // attributes and the local header's offset.
            central.uint32(0x0201_4b50)
            central.uint16(20); central.uint16(20); central.uint16(0x0800); central.uint16(0)
            central.uint16(0); central.uint16(0x21)
            central.uint32(crc); central.uint32(UInt32(m.data.count)); central.uint32(UInt32(m.data.count))
            central.uint16(UInt16(name.count)); central.uint16(0); central.uint16(0)
            central.uint16(0); central.uint16(0); central.uint32(0)
            central.uint32(UInt32(offset))
            central.append(name)
        }
        let centralOffset = w.count
        guard centralOffset < 0xFFFF_FFFF else {
            throw ModelFileError(.tooLarge, "the archive is larger than 4 GiB, which needs ZIP64", hint: "write smaller arrays")
        }
        w.append(central.bytes)
        // End of central directory record.
        w.uint32(0x0605_4b50)
        w.uint16(0); w.uint16(0)
        w.uint16(UInt16(members.count)); w.uint16(UInt16(members.count))
        w.uint32(UInt32(central.count)); w.uint32(UInt32(centralOffset))
        w.uint16(0)
        return w.bytes
    }

    // MARK: - Reading

    static func decode(_ bytes: [UInt8]) throws(ModelFileError) -> [Member] {
        let end = try endRecord(bytes)
        var r = ByteReader(bytes)
        try r.skip(end.centralOffset, for: "the central directory's offset")
        var directory = try r.subReader(end.centralSize, for: "the central directory")
        var members: [Member] = []
        var names: Set<String> = []
        for index in 0..<end.count {
            let entryStart = directory.position
            let signature = try directory.uint32("a central directory entry")
            guard signature == 0x0201_4b50 else {
                throw ModelFileError(.malformed, "central directory entry \(index + 1) has a wrong signature", hint: damaged, offset: entryStart)
            }
            try directory.skip(4, for: "versions")
            let flags = try directory.uint16("flags")
            let method = try directory.uint16("compression method")
            try directory.skip(4, for: "time and date")
            let crc = try directory.uint32("CRC-32")
            var packedSize = UInt64(try directory.uint32("compressed size"))
            var size = UInt64(try directory.uint32("uncompressed size"))
            let nameLength = Int(try directory.uint16("name length"))
            let extraLength = Int(try directory.uint16("extra field length"))
            let commentLength = Int(try directory.uint16("comment length"))
            let disk = try directory.uint16("disk number")
            try directory.skip(6, for: "attributes")
            var localOffset = UInt64(try directory.uint32("local header offset"))
            let nameBytes = try directory.bytes(nameLength, for: "a member name")
            var extra = try directory.subReader(extraLength, for: "the extra field")
            try directory.skip(commentLength, for: "the member comment")
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                throw ModelFileError(.malformed, "member \(index + 1)'s name is not UTF-8 text", hint: damaged, offset: entryStart)
            }
            // ZIP64: each field saturated at 0xFFFFFFFF is in the extra field, in this order.
            while extra.remaining >= 4 {
                let id = try extra.uint16("an extra field id")
                var field = try extra.subReader(Int(try extra.uint16("an extra field length")), for: "an extra field")
                guard id == 0x0001 else { continue }
                if size == 0xFFFF_FFFF { size = try field.uint64("the ZIP64 uncompressed size") }
                if packedSize == 0xFFFF_FFFF { packedSize = try field.uint64("the ZIP64 compressed size") }
                if localOffset == 0xFFFF_FFFF { localOffset = try field.uint64("the ZIP64 local header offset") }
            }
            func refuse(_ kind: ModelFileError.Kind, _ message: String, hint: String = damaged) -> ModelFileError {
                ModelFileError(kind, "member '\(name)': \(message)", hint: hint, offset: entryStart)
            }
            guard flags & 1 == 0 else { throw refuse(.unsupportedContent, "it is encrypted", hint: "nnsh reads unencrypted archives") }
            guard disk == 0 else { throw refuse(.unsupportedContent, "it is on another disk of a split archive", hint: "join the archive first") }
            guard names.insert(name).inserted else { throw refuse(.malformed, "two members have this name") }
            guard localOffset <= UInt64(bytes.count), packedSize <= UInt64(bytes.count) else {
                throw refuse(.truncated, "its data lie beyond the end of the file (\(bytes.count) bytes)", hint: "the file was cut short or is damaged")
            }
            // The local header: only its name and extra lengths matter (the sizes may be
            // left out there, bit 3, and are taken from the central directory).
            var local = ByteReader(bytes)
            try local.skip(Int(localOffset), for: "member '\(name)'s local header")
            let localStart = local.position
            guard try local.uint32("a local header signature") == 0x0403_4b50 else {
                throw ModelFileError(.malformed, "member '\(name)': no local header at byte \(localStart)", hint: damaged, offset: localStart)
            }
            try local.skip(22, for: "a local header")
            let localName = Int(try local.uint16("a local name length"))
            let localExtra = Int(try local.uint16("a local extra length"))
            try local.skip(localName + localExtra, for: "a local name and extra field")
            let dataStart = local.position
            guard Int(packedSize) <= local.remaining else {
                throw ModelFileError(.truncated, "member '\(name)' needs \(packedSize) bytes but only \(local.remaining) remain",
                                     hint: "the file was cut short; write it again", offset: dataStart)
            }
            let packed = bytes[dataStart ..< dataStart + Int(packedSize)]
            let data: [UInt8]
            switch method {
            case 0:
                guard packedSize == size else { throw refuse(.malformed, "stored with \(packedSize) bytes but declares \(size)") }
                data = Array(packed)
            case 8:
                data = try inflate(packed, size: size, name: name, offset: dataStart)
            default:
                throw refuse(.unsupportedContent, "compression method \(method) is not read",
                             hint: "nnsh reads stored and deflated members (numpy.savez and savez_compressed)")
            }
            guard CRC32.checksum(data) == crc else {
                throw ModelFileError(.checksumMismatch, "member '\(name)': CRC-32 mismatch, the data are damaged",
                                     hint: "restore a copy or write the file again", offset: dataStart)
            }
            members.append(Member(name: name, data: data))
        }
        return members
    }

    /// Where the central directory is and how many entries it holds, from the end record
    /// (the last 22 bytes, or earlier when the archive has a comment).
    private static func endRecord(_ bytes: [UInt8]) throws(ModelFileError) -> (count: Int, centralSize: Int, centralOffset: Int) {
        guard bytes.count >= 22 else {
            throw ModelFileError(.truncated, "\(bytes.count) bytes, too few for a ZIP archive", hint: damaged, offset: 0)
        }
        var at = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while at >= lowest {
            if bytes[at] == 0x50, bytes[at + 1] == 0x4b, bytes[at + 2] == 0x05, bytes[at + 3] == 0x06 { break }
            at -= 1
        }
        guard at >= lowest else {
            let isNpy = bytes.count >= 6 && bytes[0] == 0x93 && bytes[1...5].elementsEqual("NUMPY".utf8)
            throw ModelFileError(.notAModelFile, isNpy ? "a single .npy array, not a .npz archive" : "not a ZIP archive: no end of central directory record",
                                 hint: isNpy ? "read it with npy, or name it .npy" : damaged, offset: bytes.count)
        }
        var r = ByteReader(bytes)
        try r.skip(at + 4, for: "the end record")
        let disk = try r.uint16("disk number"), centralDisk = try r.uint16("central directory disk")
        let onDisk = try r.uint16("entries on this disk"), count = try r.uint16("entries")
        let size = try r.uint32("central directory size"), offset = try r.uint32("central directory offset")
        guard count != 0xFFFF, size != 0xFFFF_FFFF, offset != 0xFFFF_FFFF else {
            throw ModelFileError(.unsupportedContent, "a ZIP64 archive (over 65,535 members or 4 GiB) is not read",
                                 hint: "write fewer or smaller arrays", offset: at)
        }
        guard disk == 0, centralDisk == 0, onDisk == count else {
            throw ModelFileError(.unsupportedContent, "a split (multi-disk) ZIP archive is not read", hint: "join the archive first", offset: at)
        }
        guard Int(offset) + Int(size) <= at else {
            throw ModelFileError(.malformed, "the central directory (\(size) bytes at \(offset)) overlaps the end record at \(at)",
                                 hint: damaged, offset: at)
        }
        // Each entry takes at least 46 bytes.
        guard Int(count) * 46 <= Int(size) else {
            throw ModelFileError(.malformed, "\(count) entries cannot fit a \(size)-byte central directory", hint: damaged, offset: at)
        }
        return (Int(count), Int(size), Int(offset))
    }

    /// Raw-deflate `packed` to exactly `size` bytes; more or fewer is an error. The declared
    /// size is checked against the memory limit first.
    private static func inflate(_ packed: ArraySlice<UInt8>, size declared: UInt64, name: String, offset: Int) throws(ModelFileError) -> [UInt8] {
        guard declared <= UInt64(Int32.max) else {
            throw ModelFileError(.tooLarge, "member '\(name)' declares \(declared) bytes unpacked, more than nnsh reads from one member (2 GiB)",
                                 hint: damaged, offset: offset)
        }
        guard packed.count < Int(UInt32.max) else {
            throw ModelFileError(.tooLarge, "member '\(name)' has more than 4 GiB of deflated data", hint: damaged, offset: offset)
        }
        let size = Int(declared)
        try ModelFileError.checkMemory(count: size, bytesEach: 1, for: "member '\(name)' unpacked", hint: "set max_memory raises it", offset: offset)
        var out = [UInt8](repeating: 0, count: size + 1)   // one spare byte shows data beyond the declared size
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ModelFileError(.io, "cannot start zlib", hint: "the system's zlib is not working")
        }
        defer { inflateEnd(&stream) }
        let input = Array(packed)
        let status = input.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = UnsafeMutablePointer(mutating: i.baseAddress)
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        let produced = Int(stream.total_out)
        if produced > size {
            throw ModelFileError(.malformed, "member '\(name)' unpacks to more than the \(size) bytes it declares", hint: damaged, offset: offset)
        }
        guard status == Z_STREAM_END else {
            if status == Z_BUF_ERROR || (status == Z_OK && produced < size) {
                throw ModelFileError(.truncated, "member '\(name)' unpacks to \(produced) of the \(size) bytes it declares",
                                     hint: "the file was cut short or is damaged", offset: offset)
            }
            throw ModelFileError(.malformed, "member '\(name)': its deflated data are damaged (zlib error \(status))", hint: damaged, offset: offset)
        }
        guard produced == size else {
            throw ModelFileError(.malformed, "member '\(name)' unpacks to \(produced) of the \(size) bytes it declares", hint: damaged, offset: offset)
        }
        out.removeLast()
        return out
    }
}
