import Foundation

/// `cd "folder"`: changes the current folder, where relative file names are looked for first.
struct CdCommand: Command {
    static let name = "cd"
    static let group = CommandGroup.session
    static let summary = "Change the current folder (home when none is given)."
    static let parameters: [Parameter] = [
        .positional("folder", .path, default: .string("~"), help: "the new current folder (~ is home)"),
    ]
    static let example = """
        cd (pwd)    # stays here; cd "~/runs" goes to runs in your home folder
        """
    static let details = "A script run by run goes back to the caller's folder when it ends."

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let folder = Interpreter.expandingTilde(try a.string("folder"))
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
            throw CommandError("no such folder: \(folder)", parameter: "folder")
        }
        guard isFolder.boolValue else { throw CommandError("\(folder) is a file, not a folder", parameter: "folder") }
        guard FileManager.default.changeCurrentDirectoryPath(folder) else {
            throw CommandError("cannot enter \(folder) (permission denied?)", parameter: "folder")
        }
        return .none
    }
}

/// `pwd`: prints the current folder and gives it as a string.
struct PwdCommand: Command {
    static let name = "pwd"
    static let group = CommandGroup.session
    static let summary = "Print the current folder (its value is the path)."
    static let parameters: [Parameter] = []
    static let example = "pwd"
    static let echoesResult = false

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let path = FileManager.default.currentDirectoryPath
        shell.print(path)
        return .string(path)
    }
}
