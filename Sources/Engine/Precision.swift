/// The floating-point type of a network's and a model file's numbers: `Float` or `Double`
/// (`Scalar`'s two conformances).
public enum Precision: String, CaseIterable, Hashable, Sendable {
    case float32, float64
}

extension Precision {
    /// Bytes per number; also the code stored in a model file.
    public var byteWidth: Int { self == .float32 ? 4 : 8 }

    /// The precision of the scalar type `T`.
    public init<T: Scalar>(_: T.Type) {
        self = MemoryLayout<T>.size == 4 ? .float32 : .float64
    }

    /// Parses "float32" ("float", "f32", "single") and "float64" ("double", "f64").
    public init(parsing name: String) throws(EngineError) {
        switch name.lowercased() {
        case "float32", "float", "f32", "single": self = .float32
        case "float64", "double", "f64": self = .float64
        default: throw EngineError(.invalidArgument, "unknown precision '\(name)' (expected float32 or float64)")
        }
    }
}
