import Engine
/// Saving and loading the engine's `Network`: the mapping between a network (with its
/// optimiser state and history) and a `SavedModel`, and the entry points the shell calls.
///
///     try ModelFile.write(net, to: "digits.nnsh",
///                         extras: ModelExtras(generator: rng, provenance: provenance))
///     let loaded = try ModelFile.read("digits.nnsh")   // loaded.network, loaded.generator, …

/// What a model file holds besides the network itself.
public struct ModelExtras: Equatable, Sendable {
    public var preprocessing: Preprocessing
    /// The session's generator, so training continues with the same random numbers.
    public var generator: RandomGenerator?
    public var provenance: Provenance
    /// Save the optimiser's moments and step count (needed to resume training exactly).
    public var includeOptimizerState: Bool

    public init(preprocessing: Preprocessing = Preprocessing(), generator: RandomGenerator? = nil,
                provenance: Provenance = Provenance(), includeOptimizerState: Bool = true) {
        self.preprocessing = preprocessing
        self.generator = generator
        self.provenance = provenance
        self.includeOptimizerState = includeOptimizerState
    }
}

/// A network read from a file, with everything saved beside it.
public struct LoadedNetwork {
    /// The network, with its history and (if saved) optimiser state.
    public var network: AnyNetwork
    /// Preprocessing, generator state and provenance as saved (`header.architecture` describes
    /// `network`).
    public var header: ModelHeader

    public var preprocessing: Preprocessing { header.preprocessing }
    public var generator: RandomGenerator? { header.generator }
    public var provenance: Provenance { header.provenance }
}

extension ModelFile {
    /// Saves `network` atomically (temporary file, fsync, rename) with `extras`.
    public static func write(_ network: AnyNetwork, to path: String, extras: ModelExtras = ModelExtras()) throws(ModelFileError) {
        guard !network.layers.isEmpty else {
            throw ModelFileError(.unsupportedContent, "the network has no layers yet", hint: "add layers before saving", path: path)
        }
        guard network.pendingDropout == 0 else { throw trailingDropout(path: path, verb: "saving") }
        if let kind = network.kindWithoutRecord { throw withoutRecord(kind, path: path, verb: "saved") }
        switch network {
        case .float(let n): try writeContents(SavedModel(network: n, extras: extras), to: path)
        case .double(let n): try writeContents(SavedModel(network: n, extras: extras), to: path)
        }
    }

    /// A model file stores a dropout layer with the dense layer after it, so a network that ends
    /// with one is refused rather than saved without it.
    static func trailingDropout(path: String, verb: String) -> ModelFileError {
        ModelFileError(.unsupportedContent, "the network ends with a dropout layer, which a model file keeps only in front of a dense layer",
                       hint: "add a dense layer after the dropout before \(verb)", path: path)
    }

    /// A layer kind with no entry in `LayerEntries` cannot be written (rather than left out).
    static func withoutRecord(_ kind: String, path: String, verb: String) -> ModelFileError {
        ModelFileError(.unsupportedContent, "the network has a \(kind) layer, which cannot be \(verb) yet",
                       hint: "remove it with `pop`, or save the weights another way", path: path)
    }

    /// Loads a network saved by `write`, refusing damaged or inconsistent files.
    public static func read(_ path: String) throws(ModelFileError) -> LoadedNetwork {
        let contents = try readContents(path)
        do { return try network(from: contents) } catch { throw error.at(path: path) }
    }

    /// The network a decoded file describes.
    public static func network(from model: LoadedModel) throws(ModelFileError) -> LoadedNetwork {
        switch model {
        case .float32(let m): LoadedNetwork(network: .float(try m.makeNetwork()), header: m.header)
        case .float64(let m): LoadedNetwork(network: .double(try m.makeNetwork()), header: m.header)
        }
    }
}

extension SavedModel {
    /// Everything `network` is, in file form: its architecture and parameters, its optimiser
    /// state (unless `extras.includeOptimizerState` is false) and history, and `extras`.
    public init(network: Network<T>, extras: ModelExtras = ModelExtras()) {
        let stack = network.stack
        let architecture = Architecture(
            inputShape: network.inputShape,
            stack: stack.map { LayerEntries.record(of: $0) ?? LayerRecord(kind: type(of: $0).kind, settings: []) },
            cost: network.cost.name, costIsExplicit: network.explicitCost != nil)
        var parameters: [Matrix<T>] = []
        for layer in stack {
            for (i, shape) in layer.parameterShapes.enumerated() {
                let (rows, columns) = shape.matrixShape
                parameters.append(Matrix(rows: rows, columns: columns, storage: layer.parameter(i)))
            }
        }
        var states: [Matrix<T>] = []
        for layer in stack {
            for (i, shape) in layer.stateShapes.enumerated() {
                let (rows, columns) = shape.matrixShape
                states.append(Matrix(rows: rows, columns: columns, storage: layer.state(i)))
            }
        }
        var optimizer: OptimizerRecord?
        var moments: [[Matrix<T>]] = []
        if extras.includeOptimizerState, let state = network.optimizerState,
           state.matches(tensorSizes: network.tensorSizes) {
            let s = state.settings
            optimizer = OptimizerRecord(name: s.kind.rawValue, step: UInt64(max(0, state.step)),
                                        slots: state.moments.count, hyperparameters: [
                NamedNumber("learning_rate", s.learningRate), NamedNumber("momentum", s.momentum),
                NamedNumber("rho", s.rho), NamedNumber("beta1", s.beta1), NamedNumber("beta2", s.beta2),
                NamedNumber("epsilon", s.epsilon)])
            moments = state.moments.map { slot in
                zip(slot, parameters).map { values, p in Matrix(rows: p.rows, columns: p.columns, storage: values) }
            }
        }
        let header = ModelHeader(precision: Precision(T.self), architecture: architecture,
                                 preprocessing: extras.preprocessing, optimizer: optimizer,
                                 generator: extras.generator, history: network.history,
                                 provenance: extras.provenance)
        self.init(header: header, parameters: parameters, moments: moments, states: states)
    }

    /// The network this model describes, with its history and optimiser state: each layer
    /// built by its kind's entry (`LayerEntries`) from its record and its tensors.
    public func makeNetwork() throws(ModelFileError) -> Network<T> {
        let a = header.architecture
        let newer = "the file was written by a newer nnsh; upgrade nnsh to load it"
        let shapes = try a.layerShapes()
        let tensorCount = shapes.reduce(0) { $0 + $1.parameters.count }
        guard parameters.count == tensorCount else {
            throw ModelFileError(.shapeMismatch, "the model has \(parameters.count) parameter tensors for \(a.layers.count) layers",
                                 hint: "the file is damaged; save it again")
        }
        // The entries build layers from tensors of their records' shapes (a decoded file's are
        // checked already; a model made in memory is checked here).
        let places = a.tensorPlaces, labels = a.tensorLabels(places)
        for (i, (tensor, place)) in zip(parameters, places).enumerated() {
            try ModelFile.checkShape(rows: tensor.rows, columns: tensor.columns, expected: place,
                                     what: ModelFile.tensorName(i, slot: -1, labels: labels), architecture: a, offset: nil)
        }
        let statePlaces = a.statePlaces, stateLabels = a.stateLabels(statePlaces)
        guard states.count == statePlaces.count else {
            throw ModelFileError(.shapeMismatch, "the model has \(states.count) state tensors for \(a.stack.count) layers, not \(statePlaces.count)",
                                 hint: "the file is damaged; save it again")
        }
        for (i, (tensor, place)) in zip(states, statePlaces).enumerated() {
            try ModelFile.checkShape(rows: tensor.rows, columns: tensor.columns, expected: place,
                                     what: stateLabels[i], architecture: a, offset: nil)
        }
        let network: Network<T>
        do { network = try Network(inputShape: a.inputShape) } catch {
            throw ModelFileError(.shapeMismatch, error.message, hint: "the file is damaged or was written by a faulty program")
        }
        let names = a.layerNames
        var next = 0, nextState = 0
        for (s, record) in a.stack.enumerated() {
            guard let entry = LayerEntries.entry(for: record.kind) else {
                throw ModelFileError(.unsupportedContent, "\(names[s]) is a '\(record.kind)' layer, which this nnsh does not know", hint: newer)
            }
            let tensors = parameters[next ..< next + shapes[s].parameters.count].map(\.storage)
            next += tensors.count
            let state = states[nextState ..< nextState + shapes[s].state.count].map(\.storage)
            nextState += state.count
            try entry.append(record, to: network, input: shapes[s].input, parameters: tensors, state: state, name: names[s])
        }
        guard Cost.allCases.map(\.name).contains(a.cost), let cost = try? Cost(parsing: a.cost) else {
            throw ModelFileError(.unsupportedContent, "the cost '\(a.cost)' is not known to this nnsh", hint: newer)
        }
        do { try network.setCost(a.costIsExplicit ? cost : nil) } catch {
            throw ModelFileError(.shapeMismatch, error.message, hint: "the file is damaged or was written by a faulty program")
        }
        guard network.cost == cost else {
            throw ModelFileError(.malformed, "the cost is marked as the default, but \(a.cost) is not the default for \(a.layers.last?.activation ?? "")",
                                 hint: "the file is damaged or was written by a faulty program")
        }
        network.history = header.history
        if let o = header.optimizer {
            network.optimizerState = try optimizerState(o, network: network)
        }
        return network
    }

    private func optimizerState(_ o: OptimizerRecord, network: Network<T>) throws(ModelFileError) -> OptimizerState<T> {
        guard let kind = OptimizerKind(rawValue: o.name) else {
            throw ModelFileError(.unsupportedContent, "the optimiser '\(o.name)' is not known to this nnsh",
                                 hint: "the file was written by a newer nnsh; upgrade nnsh to load it")
        }
        var settings = OptimizerSettings(kind)
        for h in o.hyperparameters {
            switch h.name {
            case "learning_rate": settings.learningRate = h.value
            case "momentum": settings.momentum = h.value
            case "rho": settings.rho = h.value
            case "beta1": settings.beta1 = h.value
            case "beta2": settings.beta2 = h.value
            case "epsilon": settings.epsilon = h.value
            default:
                throw ModelFileError(.unsupportedContent, "the optimiser setting '\(h.name)' is not known to this nnsh",
                                     hint: "the file was written by a newer nnsh; upgrade nnsh to load it")
            }
        }
        if let why = settings.problem {
            throw ModelFileError(.malformed, "saved optimiser settings: \(why)", hint: "the file is damaged; save it again")
        }
        guard o.step <= UInt64(Int.max) else {
            throw ModelFileError(.malformed, "the optimiser step \(o.step) is too large", hint: "the file is damaged; save it again")
        }
        let state = OptimizerState<T>(settings: settings, step: Int(o.step),
                                      moments: moments.map { slot in slot.map(\.storage) })
        guard state.matches(tensorSizes: network.tensorSizes) else {
            throw ModelFileError(.shapeMismatch,
                                 "\(o.name) keeps \(kind.momentCount) moments per parameter, the file has \(moments.count)",
                                 hint: "the file is damaged or was written by a faulty program")
        }
        return state
    }
}

extension Network {
    /// True when format 1 holds it: dense and dropout layers only.
    var isDenseOnly: Bool { stack.allSatisfy { $0 is DenseLayer<T> || $0 is DropoutLayer<T> } }

    /// The kind of the first layer that has no model-file entry, if any.
    var kindWithoutRecord: String? {
        stack.first { LayerEntries.record(of: $0) == nil }.map { type(of: $0).kind }
    }
}

extension AnyNetwork {
    var kindWithoutRecord: String? {
        switch self { case .float(let n): n.kindWithoutRecord; case .double(let n): n.kindWithoutRecord }
    }
}
