import Engine
/// One layer of a saved network's stack, whatever its kind: the kind's word (`Layer.kind`:
/// "dense", "dropout", "conv") and its settings, named and in the order its entry lists them
/// (`LayerEntry.fields`). Its tensors are not here: they are the model's `parameters`, in
/// stack order, each layer's in its `parameterShapes` order.
///
///     LayerRecord(kind: "conv", settings: [.init("channels", .size(1)), …, .init("activation", .text("relu"))])
public struct LayerRecord: Equatable, Sendable {
    public var kind: String
    public var settings: [Setting]

    public init(kind: String, settings: [Setting]) {
        self.kind = kind
        self.settings = settings
    }

    /// A setting's value, as the file holds it.
    public enum Value: Equatable, Sendable {
        /// A `u64` count (a width, a kernel size, a padding).
        case size(Int)
        /// A finite `f64` (a rate, an activation's alpha).
        case number(Double)
        /// A `str` (an activation's name).
        case text(String)
    }

    public struct Setting: Equatable, Sendable {
        public var name: String
        public var value: Value
        public init(_ name: String, _ value: Value) { self.name = name; self.value = value }
    }

    /// The value named `name` (nil when there is none or it is of another type). Entries read
    /// their settings with these after `LayerEntry.check` has matched them to their fields.
    public func size(_ name: String) -> Int? {
        if case .size(let v)? = value(name) { v } else { nil }
    }
    public func number(_ name: String) -> Double? {
        if case .number(let v)? = value(name) { v } else { nil }
    }
    public func text(_ name: String) -> String? {
        if case .text(let v)? = value(name) { v } else { nil }
    }
    func value(_ name: String) -> Value? { settings.first { $0.name == name }?.value }
}

/// A setting an entry declares: its name and how the file stores it.
struct LayerField: Sendable {
    enum Kind: Sendable {
        /// `u64`, 1 … `ModelFile.maximumWidth`.
        case size
        /// `u64`, 0 … `ModelFile.maximumWidth` (a padding).
        case count
        /// `f64`, finite.
        case number
        /// `str`.
        case text
    }
    let name: String
    let kind: Kind
    init(_ name: String, _ kind: Kind) { self.name = name; self.kind = kind }
}

/// The shapes of one layer of a stack: what it takes, what it gives, its tensors.
struct LayerShapes: Equatable {
    var input: Shape
    var output: Shape
    var parameters: [Shape]
    /// Its state tensors (`LayerEntry.stateShapes`).
    var state: [Shape] = []
}

extension Shape {
    /// How a model file's data section holds a tensor of this shape: rank 1 as one row
    /// (`[n]` → 1 × n), higher ranks as their first dimension by the rest (`[F, C, k, k]` →
    /// F × C·k·k), row-major either way, so the values are the same.
    var matrixShape: (rows: Int, columns: Int) {
        dimensions.count == 1 ? (1, dimensions[0]) : (dimensions[0], dimensions.dropFirst().reduce(1, *))
    }

    /// The number of values, or nil when it would overflow (sizes from a damaged file).
    var checkedCount: Int? {
        var n = 1
        for d in dimensions {
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow || d < 0 { return nil }
            n = p
        }
        return n
    }
}
