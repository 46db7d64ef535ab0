/// The configurations a search tries, from options written as `key=value`: a list value is
/// an axis searched over (`lr=[1e-3, 1e-2] l2=[0, 1e-4]`: 4 configurations, the last axis
/// varying fastest), a single value applies to every configuration (`epochs=50`). For an
/// option that itself takes a list, only a list of lists is an axis.
struct SearchSpace {
    struct Axis {
        let name: String
        let values: [Value]
    }
    private(set) var axes: [Axis] = []
    private(set) var fixed: [(name: String, value: Value)] = []

    /// `takesList(name)` tells whether the option's own value is a list.
    init(options: [(key: String, value: Value)], takesList: (String) -> Bool) throws(CommandError) {
        for (key, value) in options {
            let values: [Value]?
            switch value {
            case .list(let xs):
                let isAxis = !takesList(key) || xs.allSatisfy { if case .list = $0 { true } else { false } }
                values = isAxis ? xs : nil
            case .range(let r) where !takesList(key):
                values = try r.values(for: key)
            default:
                values = nil
            }
            if let values {
                guard !values.isEmpty else { throw CommandError("\(key): an empty list gives no configurations", parameter: key) }
                axes.append(Axis(name: key, values: values))
            } else {
                fixed.append((key, value))
            }
        }
    }

    /// The number of configurations: the product of the axes' lengths.
    var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The axis values of configuration `index` (0 ..< count), in axis order.
    func configuration(_ index: Int) -> [(name: String, value: Value)] {
        var rest = index
        var settings: [(name: String, value: Value)] = []
        for axis in axes.reversed() {
            settings.append((axis.name, axis.values[rest % axis.values.count]))
            rest /= axis.values.count
        }
        return settings.reversed()
    }

    /// "lr=0.001 l2=0" (or "(one configuration)" with no axes).
    static func label(_ settings: [(name: String, value: Value)]) -> String {
        settings.isEmpty ? "(one configuration)" : settings.map { "\($0.name)=\(TableObject.cell($0.value))" }.joined(separator: " ")
    }
}
