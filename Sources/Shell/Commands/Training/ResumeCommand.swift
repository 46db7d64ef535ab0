import Engine

/// `resume net`: goes on with a training run paused by Ctrl-C, exactly where it stopped.
struct ResumeCommand: Command {
    static let name = "resume"
    static let group = CommandGroup.training
    static let summary = "Go on with a training run paused by Ctrl-C, exactly where it stopped."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network whose training was paused"),
        .flag("quiet", help: "print nothing"),
    ]
    static let example = """
        r = runge n=100 noise=0.05 seed=1
        net = network 1
        add net dense 20 tanh
        add net dense 1 linear
        train net r epochs=20 batch=10        # Ctrl-C here pauses after the current batch
        if net.paused { resume net }          # net.paused: is there a run to resume?
        """
    static let details = """
        The paused run keeps its data, options, schedule, early-stopping state, the order of the
        examples in the interrupted epoch and its random generator, so a paused and resumed run
        trains exactly like one never paused (same weights, same history figures). When the run
        used the session's generator (no seed=), the session's generator continues from the run's
        afterwards. A new train on the network drops the paused run; so does adding layers.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        guard let saved = net.pausedTraining, let paused = net.network.pausedOptions else {
            throw CommandError("\(argumentText(a, "net")) has no paused training run (Ctrl-C during train pauses one)",
                               parameter: "net")
        }
        let context = TrainingContext(data: saved.data, validation: saved.validation, onTestSet: saved.onTestSet,
                                      quiet: a.has("quiet") ? a.bool("quiet") : saved.quiet,
                                      liveLine: saved.liveLine, every: saved.every,
                                      sessionGenerator: saved.sessionGenerator, netName: saved.netName,
                                      validationName: saved.validationName, log: saved.log)
        let report = ProgressReport(shell: shell, quiet: context.quiet, epochs: paused.epochs,
                                    context: context, scheduled: paused.schedule != .constant)
        var generator = net.generator ?? shell.generator
        let result = try TrainCommand.drive(net, .resume, context, &generator, report)
        if context.sessionGenerator {
            if net.generator != nil { net.generator = generator } else { shell.generator = generator }
        }
        try TrainCommand.finish(net, result, context, report)
        return .none
    }
}
