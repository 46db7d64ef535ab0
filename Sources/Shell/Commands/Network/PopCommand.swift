import Engine

/// `pop net`: removes the network's last layer (Keras' `model.pop()`).
struct PopCommand: Command {
    static let name = "pop"
    static let group = CommandGroup.network
    static let summary = "Remove a network's last layer, of whatever kind, and say what went."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
    ]
    static let example = """
        net = network 4
        add net dense 8 relu
        add net dense 3 softmax
        pop net
        add net dense 2 softmax
        """
    static let details = """
        The other layers keep their weights, and the training history stays. The optimiser's
        state (Adam's moments, the step count) and a run paused by Ctrl-C are dropped, as after
        add: the next train starts its optimiser afresh. A cost set with cost= that no longer
        fits the new output layer goes back to the default. A network with no layers is refused.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let name = argumentText(a, "net")
        let hadOptimizer = net.network.optimizerSummary != nil
        let wasPaused = net.pausedTraining != nil && net.network.pausedOptions != nil
        let costBefore = net.network.cost
        let removed: RemovedLayer
        do { removed = try net.network.removeLast() } catch {
            throw CommandError("\(name) has no layers to remove", parameter: "net")
        }
        net.pausedTraining = nil
        net.log.append("pop")
        var report: String
        switch removed {
        case .dropout(let rate):
            report = "removed dropout \(formatNumber(rate)) from \(name)"
        case .dense(let inputs, let outputs, let activation, let parameters):
            report = "removed the last layer (dense \(inputs)→\(outputs) \(activation.name), "
                + "\(counted(parameters, "parameter"))) from \(name)"
        case .other(let layer):
            report = "removed the last \(layer.kind) layer (\(layer.summary)"
                + (layer.parameterCount > 0 ? ", \(counted(layer.parameterCount, "parameter"))" : "") + ") from \(name)"
        }
        report += "; it is now \(net.shape)"
        if net.network.layerDescriptions.isEmpty { report += " (no layers)" }
        var dropped: [String] = []
        if wasPaused { dropped.append("its paused run") }
        if hadOptimizer { dropped.append("its optimiser state (the next train starts it afresh)") }
        if !dropped.isEmpty { report += "\n  dropped " + dropped.joined(separator: " and ") }
        if let output = net.network.outputActivation, net.network.cost != costBefore {
            report += "\n  cost: \(net.network.cost.name) (the default for \(output.name))"
        }
        shell.print(report)
        return .none
    }
}
