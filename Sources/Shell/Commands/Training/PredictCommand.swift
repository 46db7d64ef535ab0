import Data
import Engine

/// `predict net [0.5]` or `predict net data`: the network's outputs.
struct PredictCommand: Command {
    static let name = "predict"
    static let group = CommandGroup.training
    static let summary = "A network's outputs for one input (a list) or for every example of a dataset."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("input", .oneOf([.list, .number, CommonParameters.dataset, .path]),
                    help: "one input (a list of numbers, or a number for one input), a dataset, or a picture file for a digit classifier"),
        .flag("classes", help: "give the predicted class (the largest output) instead of the outputs"),
    ]
    static let example = """
        net = network 2
        add net dense 1 linear
        print (predict net [0.5, -1])
        """
    static let details = """
        A single input given as a list is scaled like the data the network was trained on when
        that data was standardized. For a dataset the result is one entry per example: a number
        when the network has one output (or with classes), else a list. A picture (PNG/PGM/PPM)
        is prepared like MNIST (as classify does) for a network of 784 inputs.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let classes = a.bool("classes")
        let outputs: Matrix<Double>
        let single: Bool
        do {
            switch try a.value("input") {
            case .object(let o as DatasetObject):
                outputs = try net.network.predict(o.dataset, shouldStop: shell.isInterrupted)
                single = false
            case .string(let path):
                outputs = try net.network.predict(try ClassifyCommand.preparedInput(net, path: path, parameter: "input").1)
                single = true
            case let v:
                var xs: [Double] = []
                let items: [Value] = { if case .list(let l) = v { return l } else { return [v] } }()
                for item in items {
                    guard case .number(let x) = item else {
                        throw CommandError("input: expected numbers, got \(item.typeDescription)", parameter: "input")
                    }
                    xs.append(x)
                }
                guard xs.count == net.network.inputWidth else {
                    let n = net.network.inputWidth
                    throw CommandError("input: the network takes \(n) number\(n == 1 ? "" : "s"), got \(xs.count)", parameter: "input")
                }
                var m = Matrix<Double>(rows: 1, columns: xs.count, storage: xs)
                if let s = net.scaling { try s.apply(to: &m) }
                outputs = try net.network.predict(m)
                single = true
            }
        } catch let e as CommandError {
            throw e
        } catch let e as EngineError {
            throw CommandError(e, parameter: "input")
        } catch let e as DataError {
            throw CommandError(e, parameter: "input")
        } catch {
            throw CommandError("\(error)")
        }
        let rows: [Value] = (0..<outputs.rows).map { r in
            let row = outputs.row(r)
            if classes { return .number(Double(OneHot.decode(Matrix(rows: 1, columns: row.count, storage: row))[0])) }
            return row.count == 1 ? .number(row[0]) : .list(row.map { .number($0) })
        }
        return single ? rows[0] : .list(rows)
    }
}
