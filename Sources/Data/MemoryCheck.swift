import Engine

/// The data layer's side of `MemoryLimit` (the one ceiling the engine keeps): readers and
/// transforms call this with what they are about to allocate, and get a `DataError` naming
/// the file (or the transform) when it would exceed the limit.
func checkMemory(count: Int, times: Int = 1, bytesEach: Int, for what: String, file: String) throws(DataError) {
    do {
        try MemoryLimit.check(count: count, times: times, bytesEach: bytesEach, for: what)
    } catch {
        var e = DataError(.tooLarge, file: file, error.message)
        e.heldBytes = error.heldBytes
        throw e
    }
}
