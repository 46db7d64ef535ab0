/// Every built-in command, by name. Adding a command means writing its type and listing it here.
enum CommandTable {
    static let all: [any Command.Type] = [
        // Data
        MNISTCommand.self, IDXCommand.self, CSVCommand.self, NPZCommand.self, NPYCommand.self, RungeCommand.self,
        SplitCommand.self, FoldsCommand.self, TakeCommand.self, ConcatCommand.self, ShuffleCommand.self, StandardizeCommand.self,
        OneHotCommand.self, PolyCommand.self,
        // Networks
        NetworkCommand.self, AddCommand.self, PopCommand.self, SummaryCommand.self,
        // Training and evaluation
        TrainCommand.self, ResumeCommand.self, InspectCommand.self, EvalCommand.self, PredictCommand.self, ClassifyCommand.self, GradcheckCommand.self,
        OLSCommand.self, RidgeCommand.self, LassoCommand.self, HalvingCommand.self,
        // Views and results
        ShowCommand.self, ErrorsCommand.self, PlotCommand.self, GridCommand.self, RecordCommand.self,
        HeatmapCommand.self, BestCommand.self, ServeCommand.self,
        // Files
        SaveCommand.self, LoadCommand.self, InfoCommand.self, ExportCommand.self, ImportCommand.self,
        // Language
        PrintCommand.self, RunCommand.self, UsageCommand.self, LenCommand.self, SleepCommand.self,
        AbsCommand.self, SqrtCommand.self, ExpCommand.self, LogCommand.self, Log10Command.self,
        RoundCommand.self, MinCommand.self, MaxCommand.self, SumCommand.self, MeanCommand.self,
        // Session
        HelpCommand.self, VarsCommand.self, ForgetCommand.self, ClearCommand.self, SetCommand.self,
        HistoryCommand.self, CdCommand.self, PwdCommand.self,
        QuitCommand.self, ExitCommand.self,
    ]

    private static let byName: [String: any Command.Type] = {
        var table: [String: any Command.Type] = [:]
        for c in all { table[c.name] = c }
        return table
    }()

    static func command(named name: String) -> (any Command.Type)? { byName[name] }

    static var names: [String] { all.map { $0.name } }
}

/// Bare words the language understands without quotes: every choice any command declares
/// (`relu`, `adam`, `dense`, `seed`, ...). A word evaluates to its own text unless a variable
/// of that name exists.
enum Words {
    static let all: Set<String> = {
        var words = Set<String>()
        for c in CommandTable.all {
            for p in c.parameters {
                words.formUnion(p.type.words)
            }
        }
        return words
    }()
}
