/// `forget x y` / `forget all`: deletes variables and procedures and says which went. At the
/// prompt it asks first when a trained network that was not saved since would go.
struct ForgetCommand: Command {
    static let name = "forget"
    static let group = CommandGroup.session
    static let summary = "Delete the variables and procedures named, or all of them: forget x, forget all."
    static let parameters: [Parameter] = [
        .variadic("names", .column, help: "the variables or procedures to delete, or all"),
    ]
    static let example = """
        x = 1
        forget x
        """
    static let details = """
        It prints what it deleted. At the prompt, when a network trained and not saved since
        would go, it asks first (y/N); a script is not asked: it deletes and says so.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let written = a.rest.map(\.display)
        guard !written.isEmpty else {
            throw CommandError("name the variables to delete (forget x y), or write forget all")
        }
        var names: [String] = []
        if written == ["all"] {
            names = shell.globals.keys.sorted()
        } else {
            for name in written where !names.contains(name) {
                guard shell.globals[name] != nil else {
                    throw CommandError("no variable '\(name)'" + Suggest.didYouMean(name, among: Array(shell.globals.keys)),
                                       parameter: "names")
                }
                names.append(name)
            }
        }
        guard !names.isEmpty else {
            shell.print("nothing to forget")
            return .none
        }
        // A network another variable still holds is not lost.
        let staying = Set(shell.globals.keys).subtracting(names).compactMap { name -> ObjectIdentifier? in
            if case .object(let net as NetworkObject)? = shell.globals[name] { return ObjectIdentifier(net) }
            return nil
        }
        let unsaved = shell.unsavedNetworks(among: names).filter { name in
            guard case .object(let net as NetworkObject)? = shell.globals[name] else { return false }
            return !staying.contains(ObjectIdentifier(net))
        }
        if !unsaved.isEmpty, let confirm = shell.confirm, shell.runStack.isEmpty {
            shell.print(unsavedWarning(unsaved))
            guard confirm("Forget \(unsaved.count == 1 ? "it" : "them") anyway?") else {
                shell.print("nothing forgotten")
                return .none
            }
        }
        for name in names { shell.globals.removeValue(forKey: name) }
        let note = unsaved.isEmpty ? "" : " (not saved: \(namesInProse(unsaved)))"
        shell.print("forgot \(namesInProse(names))" + note)
        return .none
    }
}
