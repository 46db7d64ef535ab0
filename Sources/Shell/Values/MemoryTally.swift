import Data
import Engine

/// Adds up what a session's values hold, for the memory budget (`MemoryLimit`): datasets'
/// arrays, networks' parameters and optimiser state, lists and strings. A shared object (one
/// dataset in two variables, a network's training data) and a list shared by copies are
/// counted once.
struct MemoryTally {
    private(set) var bytes = 0
    private var objects: Set<ObjectIdentifier> = []
    private var lists: Set<UnsafeRawPointer> = []

    mutating func add(_ value: Value) {
        switch value {
        case .none, .number, .bool, .range, .procedure: break
        case .string(let s): bytes += s.utf8.count
        case .list(let items):
            // Copies of a list share its buffer until one of them changes.
            if let base = items.withUnsafeBufferPointer({ $0.baseAddress }) {
                guard lists.insert(UnsafeRawPointer(base)).inserted else { return }
            }
            bytes += items.count * MemoryLayout<Value>.stride
            // Numbers and the like hold nothing beside their place: only the rest is visited
            // (this runs at every large allocation, over lists of millions of numbers).
            for item in items {
                switch item {
                case .none, .number, .bool, .range, .procedure: continue
                default: add(item)
                }
            }
        case .record(let r):
            bytes += r.fields.count * MemoryLayout<(String, Value)>.stride
            for field in r.fields { add(field.value) }
            bytes += r.report?.utf8.count ?? 0
        case .object(let o): add(o)
        }
    }

    mutating func add(_ object: any ShellObject) {
        guard objects.insert(ObjectIdentifier(object)).inserted else { return }
        object.tallyMemory(into: &self)
    }

    mutating func add(bytes more: Int) { bytes += more }
}

extension DatasetObject {
    func tallyMemory(into tally: inout MemoryTally) { tally.add(bytes: dataset.memoryBytes) }
    /// `.x`, `.y` and `.labels` are lists of one number per example.
    func listFieldCount(_ name: String) -> Int { ["x", "y", "labels"].contains(name) ? dataset.count : 0 }
}

extension NetworkObject {
    func tallyMemory(into tally: inout MemoryTally) {
        tally.add(bytes: network.memoryBytes)
        // The datasets it was trained on, or a paused run goes on with, stay alive while the
        // network does.
        if let data = trainingData { tally.add(data) }
        if let paused = pausedTraining {
            tally.add(paused.data)
            if let validation = paused.validation { tally.add(validation) }
        }
    }
}

extension Interpreter {
    /// What the session's variables (and the running procedures' locals) hold.
    var bytesInUse: Int {
        var tally = MemoryTally()
        for value in globals.values { tally.add(value) }
        for frame in frames { for value in frame.values { tally.add(value) } }
        return tally.bytes
    }
}

extension Interpreter {
    /// Refuses a list or string about to be made when it would not fit the memory budget
    /// (`x = x + x` in a loop): `count` items of `bytesEach` bytes, named by `what`.
    func checkMemory(count: Int, bytesEach: Int, for what: String, at place: Location) throws(ShellError) {
        do {
            try MemoryLimit.check(count: count, bytesEach: bytesEach, for: what)
        } catch {
            throw place.error(error.message + CommandError.memoryAdvice(error.heldBytes))
        }
    }
}
