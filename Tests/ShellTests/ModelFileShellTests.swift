@testable import Engine
@testable import ModelFiles
import Foundation
import Testing
@testable import Shell

/// Model files through the shell: `save`/`load`/`info`, `export`/`import` (safetensors),
/// resuming training, and provenance.
@Suite struct ModelFileShellTests {
    /// A fresh folder for one test's files.
    static func folder(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "nnsh-model-shell-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func network(_ name: String, in session: Session) -> NetworkObject? {
        if case .object(let o as NetworkObject)? = session.interpreter.globals[name] { return o }
        return nil
    }

    /// Every weight and bias as bit patterns, layer by layer (bit-identical comparison).
    static func bits(_ net: NetworkObject?) -> [[UInt64]] {
        switch net?.network {
        case .float(let n)?: return n.layers.flatMap { [$0.weights.storage.map { UInt64($0.bitPattern) }, $0.bias.map { UInt64($0.bitPattern) }] }
        case .double(let n)?: return n.layers.flatMap { [$0.weights.storage.map(\.bitPattern), $0.bias.map(\.bitPattern)] }
        case nil: return []
        }
    }

    func run(_ source: String, in s: (Session, OutputCollector)) -> ShellRun {
        let r = runShell(source, in: s)
        if let e = r.error { Issue.record("unexpected error: \(e.rendered())") }
        return r
    }

    // MARK: - safetensors

    @Test(arguments: ["float32", "float64"])
    func exportThenImportPredictsBitIdentically(_ precision: String) {
        let dir = Self.folder("roundtrip-\(precision)")
        let s = makeSession()
        let r = run("""
            set precision \(precision)
            d = standardize (runge n=30 seed=2)
            net = network 1
            add net dense 5 leaky_relu alpha=0.2
            add net dense 4 tanh
            add net dense 1 linear
            train net d epochs=2 batch=8 quiet cost=mse
            export net "\(dir)/n.safetensors"
            m = import "\(dir)/n.safetensors"
            print (predict m d) == (predict net d) m.precision m.cost (predict m [0.25]) == (predict net [0.25])
            """, in: s)
        #expect(r.output.hasSuffix("true \(precision) mse true\n"))
        #expect(Self.bits(Self.network("m", in: s.0)) == Self.bits(Self.network("net", in: s.0)))
        let m = Self.network("m", in: s.0)
        #expect(m?.scaling != nil, "the standardisation travels in the metadata")
        #expect(m?.network.layers.map(\.activation.name) == ["leaky_relu", "tanh", "linear"])
        if case .leakyReLU(let alpha)? = m?.network.layers.first?.activation { #expect(alpha == 0.2) } else { Issue.record("alpha lost") }
    }

    @Test func exportImportPrintsAndKeepsPredictions() {
        let dir = Self.folder("print")
        let r = runShell("""
            d = runge n=10 seed=1
            net = network 1
            add net dense 3 sigmoid
            add net dense 2 softmax
            export net "\(dir)/p.safetensors"
            m = import "\(dir)/p.safetensors"
            print (predict m [0.5]) == (predict net [0.5]) m.cost
            """)
        #expect(r.error == nil)
        #expect(r.output == "exported 1 → 3 sigmoid → 2 softmax to \(dir)/p.safetensors\ntrue cross_entropy\n")
    }

    // MARK: - ONNX

    /// `export net "x.onnx"` writes the model (onnxruntime runs it in Scripts/interop/test_onnx.py);
    /// a network it cannot describe is refused with one line, nothing written, the session intact.
    @Test func exportONNX() throws {
        let dir = Self.folder("onnx")
        let s = makeSession()
        let r = run("""
            net = network 2
            add net dense 3 relu
            add net dense 2 softmax
            export net "\(dir)/n.onnx"
            """, in: s)
        #expect(r.output == "exported 2 → 3 relu → 2 softmax to \(dir)/n.onnx\n")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/n.onnx")))
        #expect(Array(bytes.prefix(2)) == [0x08, 0x07], "ModelProto.ir_version = 7 first")
        let empty = runShell("e = network 2\nexport e \"\(dir)/e.onnx\"\nprint 1")
        #expect(empty.error?.message == "\(dir)/e.onnx: the network has no layers yet (hint: add layers before exporting)")
        #expect(empty.error?.line == 2 && empty.error?.column == 10)
        #expect(!FileManager.default.fileExists(atPath: dir + "/e.onnx"))
    }

    /// `import "x.onnx"` gives back the exported network (weights bit for bit, the
    /// standardisation, the cost) as a network the session uses like any other: it predicts,
    /// evaluates, trains, saves and loads.
    @Test(arguments: ["float32", "float64"])
    func importONNXGivesAWorkingNetwork(_ precision: String) {
        let dir = Self.folder("onnx-import-\(precision)")
        let s = makeSession()
        let r = run("""
            set precision \(precision)
            d = standardize (runge n=30 seed=2)
            net = network 1
            add net dense 5 leaky_relu alpha=0.2
            add net dropout 0.1
            add net dense 4 tanh
            add net dense 1 linear
            train net d epochs=2 batch=8 quiet cost=mse
            export net "\(dir)/n.onnx"
            m = import "\(dir)/n.onnx"
            m0 = import "\(dir)/n.onnx"
            print m
            print (predict m d) == (predict net d) m.precision m.cost (predict m [0.25]) == (predict net [0.25])
            e = eval m d
            train m d epochs=1 batch=8 quiet
            save m "\(dir)/m.nnm"
            k = load "\(dir)/m.nnm"
            print (predict k d) == (predict m d) (predict m d) == (predict net d)
            """, in: s)
        #expect(r.output.contains("<network 1 → 5 leaky_relu(alpha=0.2) → dropout 0.1 → 4 tanh → 1 linear, 39 parameters>\ntrue \(precision) mse true\n"))
        #expect(Self.bits(Self.network("m0", in: s.0)) == Self.bits(Self.network("net", in: s.0)))
        if case .leakyReLU(let alpha)? = Self.network("m0", in: s.0)?.network.layers.first?.activation { #expect(alpha == 0.2) } else { Issue.record("alpha lost") }
        #expect(r.output.hasSuffix("true false\n"), "saved and loaded after training, which changed it")
        #expect(Self.network("m", in: s.0)?.scaling != nil, "the standardisation comes from the graph's Sub and Div")
    }

    /// A file laid out by hand from the safetensors specification (as PyTorch would write a
    /// `nn.Sequential(nn.Linear(2, 1))`): `0.weight` [1, 2] and `0.bias` [1], F32, no metadata.
    static func handWrittenSafetensors() -> [UInt8] {
        var header = Array(#"{"0.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"0.bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }
        bytes += header
        for x: Float in [0.5, -2, 0.25] {
            bytes += (0..<4).map { UInt8(truncatingIfNeeded: x.bitPattern >> (8 * $0)) }
        }
        return bytes
    }

    @Test func importsAFileWrittenByHandToTheSpecification() throws {
        let dir = Self.folder("hand")
        let path = "\(dir)/torch.safetensors"
        try Data(Self.handWrittenSafetensors()).write(to: URL(fileURLWithPath: path))
        let r = runShell("""
            m = import "\(path)" activations=[linear] cost=mse
            print m.inputs m.outputs m.layers.count m.precision m.cost
            print (predict m [1, 2])
            """)
        #expect(r.error == nil, "\(r.error?.rendered() ?? "")")
        // 0.5·1 − 2·2 + 0.25 = −3.25, exact in float32
        #expect(r.output == "2 1 1 float32 mse\n-3.25\n")
    }

    @Test func importWithoutActivationsSaysHowToGiveThem() throws {
        let dir = Self.folder("noact")
        let path = "\(dir)/torch.safetensors"
        try Data(Self.handWrittenSafetensors()).write(to: URL(fileURLWithPath: path))
        let r = runShell("m = import \"\(path)\"")
        #expect(r.error?.message == "\(path): the file does not say which activations its 1 layer use (no nnsh.activations metadata) (hint: name one activation per layer when importing)")
        #expect(r.error?.column == 12)
        let wrong = runShell("m = import \"\(path)\" activations=[relu, relu]")
        #expect(wrong.error?.message == "\(path): 2 activations given for 1 layer (hint: give one activation per layer)")
    }

    /// Each of the reader's refusals reaches the shell as one line naming the file.
    @Test func importRejectionsAreOneLineErrorsNamingTheFile() throws {
        let dir = Self.folder("reject")
        let good = Self.handWrittenSafetensors()
        var wrongOffsets = good
        let header = String(decoding: good[8..<good.count - 12], as: UTF8.self).replacingOccurrences(of: "[8,12]", with: "[9,12]")
        wrongOffsets.replaceSubrange(8..<good.count - 12, with: Array(header.utf8))
        var hugeHeader = good
        hugeHeader.replaceSubrange(0..<8, with: [0, 0, 0, 0, 1, 0, 0, 0])
        var nan = good
        nan.replaceSubrange(good.count - 12 ..< good.count - 8, with: [0, 0, 0xC0, 0x7F])
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "at byte 0: the file has 0 bytes, too few for a safetensors header length"),
            ("truncated", Array(good.dropLast(1)), "tensor '0.bias' ends at data byte 12 but the data has only 11 bytes"),
            ("trailing", good + [0], "1 bytes after the last tensor's data"),
            ("offsets", wrongOffsets, "tensor '0.bias' has data offsets [9, 12], but its data must start at 8"),
            ("header", hugeHeader, "the header length 4294967296 exceeds safetensors' limit of 100000000 bytes"),
            ("nan", nan, "tensor '0.weight' contains NaN at element 0"),
            ("notjson", Array("\u{8}\0\0\0\0\0\0\0[1,2,3] ".utf8), "the header does not start with '{'"),
        ]
        for (name, bytes, fragment) in cases {
            let path = "\(dir)/\(name).safetensors"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let s = makeSession()
            _ = runShell("x = 1", in: s)
            let r = runShell("m = import \"\(path)\" activations=[linear]", in: s)
            guard let e = r.error else { Issue.record("\(name): imported"); continue }
            #expect(e.message.hasPrefix("\(path): "), "\(name): \(e.message)")
            #expect(e.message.contains(fragment), "\(name): \(e.message)")
            #expect(e.message.contains("(hint: "), "\(name)")
            #expect(!e.message.contains("\n"), "\(name)")
            #expect(s.0.interpreter.globals["m"] == nil && s.0.interpreter.globals["x"] != nil, "\(name): session state")
        }
        let missing = runShell("m = import \"\(dir)/none.safetensors\"")
        #expect(missing.error?.message == "\(dir)/none.safetensors: cannot open: No such file or directory (hint: check the file's name and folder, and that you may read it)")
    }

    // MARK: - Resuming

    static let resumeSetup = """
        set seed 11
        d = runge n=37 noise=0.1 seed=4
        v = runge n=9 seed=8
        net = network 1
        add net dense 7 tanh
        add net dense 1 linear
        """

    /// `train 2; save; load (in a new session); train 2` = `train 4`, with shuffling.
    @Test(arguments: ["adam", "momentum", "sgd"])
    func resumedTrainingEqualsOneUninterruptedRun(_ optimizer: String) {
        let dir = Self.folder("resume-\(optimizer)")
        let options = "batch=5 optimizer=\(optimizer) lr=0.01 validate=v quiet"
        let first = makeSession()
        _ = run(Self.resumeSetup + "\ntrain net d epochs=2 \(options)\nsave net \"\(dir)/half.nnm\"", in: first)

        let resumed = makeSession()
        _ = run("""
            d = runge n=37 noise=0.1 seed=4
            v = runge n=9 seed=8
            net = load "\(dir)/half.nnm"
            train net d epochs=2 \(options)
            """, in: resumed)

        let whole = makeSession()
        _ = run(Self.resumeSetup + "\ntrain net d epochs=4 \(options)", in: whole)

        let a = Self.bits(Self.network("net", in: resumed.0)), b = Self.bits(Self.network("net", in: whole.0))
        #expect(!a.isEmpty && a == b, "resumed weights differ from the uninterrupted run")
        // The loaded network carries the run's generator; the session's own is left alone.
        #expect(Self.network("net", in: resumed.0)?.generator == whole.0.interpreter.generator)
        #expect(resumed.0.interpreter.seed == 42 && resumed.0.interpreter.generator == RandomGenerator(seed: 42))
        let history = Self.network("net", in: resumed.0)?.network.history.epochs.map(\.trainingLoss)
        #expect(history == Self.network("net", in: whole.0)?.network.history.epochs.map(\.trainingLoss))
        // Without the restored generator the shuffles differ: the test can fail.
        let fresh = makeSession()
        _ = run("""
            d = runge n=37 noise=0.1 seed=4
            v = runge n=9 seed=8
            net = load "\(dir)/half.nnm"
            set seed 11
            """, in: fresh)
        Self.network("net", in: fresh.0)?.generator = nil
        _ = run("train net d epochs=2 \(options)", in: fresh)
        #expect(Self.bits(Self.network("net", in: fresh.0)) != b)
    }

    @Test func weightsOnlyFilesResumeWithAFreshOptimiser() {
        let dir = Self.folder("weights-only")
        let s = makeSession()
        _ = run(Self.resumeSetup + "\ntrain net d epochs=1 batch=5 quiet\nsave net \"\(dir)/w.nnm\" weights_only", in: s)
        let r = run("info \"\(dir)/w.nnm\"", in: s)
        #expect(r.output.contains("optimiser: not saved (training continues from fresh optimiser state)"))
    }

    // MARK: - Provenance

    @Test func saveRecordsProvenanceAndInfoPrintsIt() throws {
        let dir = Self.folder("provenance")
        let s = makeSession()
        _ = run(Self.resumeSetup + """

            train net d epochs=2 batch=6 optimizer=momentum lr=0.02 momentum=0.8 l2=0.001 seed=9 validate=v shuffle=false quiet
            save net "\(dir)/p.nnm"
            """, in: s)
        let digest = try #require({ () -> [UInt8]? in
            if case .object(let o as DatasetObject)? = s.0.interpreter.globals["d"] { return o.digest }
            return nil
        }())
        let net = try #require(Self.network("net", in: s.0))
        func count(_ name: String) -> Int {
            if case .object(let o as DatasetObject)? = s.0.interpreter.globals[name] { return o.dataset.count }
            return -1
        }
        let data = "d (\(count("d")) examples of runge)", validation = "v (\(count("v")) examples of runge)"
        let file = try ModelFile.info("\(dir)/p.nnm")
        let p = file.header.provenance
        #expect(p.trainingDataSHA256 == digest)
        #expect(p.seed == 11)
        #expect(p.trainingOptions.map { "\($0.name)=\($0.value)" } == [
            "data=\(data)", "epochs=2", "batch=6", "optimizer=momentum", "lr=0.02", "l1=0.0", "l2=0.001", "seed=9",
            "momentum=0.8", "shuffle=false", "validate=\(validation)"])
        let last = try #require(net.network.history.last)
        #expect(p.metrics == [NamedNumber("training_loss", last.trainingLoss), NamedNumber("training_mse", last.trainingMetric),
                              NamedNumber("validation_loss", last.validationLoss ?? .nan),
                              NamedNumber("validation_mse", last.validationMetric ?? .nan)])
        #expect(p.commands == ["network 1 precision=float32", "add dense 7 tanh", "add dense 1 linear",
                               "train d epochs=2 batch=6 optimizer=momentum lr=0.02 l1=0.0 l2=0.001 seed=9 momentum=0.8 shuffle=false validate=v"])

        let info = run("info \"\(dir)/p.nnm\"", in: s).output
        #expect(info.contains(", seed 11\n"))
        #expect(info.contains("training: epochs=2 batch=6 optimizer=momentum lr=0.02 l1=0.0 l2=0.001 seed=9 momentum=0.8 shuffle=false\n"
                              + "  data: \(data)\n  validate: \(validation)\n"), "\(info)")
        #expect(info.contains("metrics: training_loss=\(ModelInfo.figure(last.trainingLoss)) training_mse=\(ModelInfo.figure(last.trainingMetric)) validation_loss="))
        #expect(info.contains("training data SHA-256: \(digest.hexString)\n"))
        #expect(info.contains("commands:\n  network 1 precision=float32\n  add dense 7 tanh\n  add dense 1 linear\n  train d epochs=2"))

        // A loaded model keeps its provenance and adds to it.
        _ = run("m = load \"\(dir)/p.nnm\"\ntrain m d epochs=1 batch=6 quiet\nsave m \"\(dir)/q.nnm\"", in: s)
        let q = try ModelFile.info("\(dir)/q.nnm").header.provenance
        #expect(q.commands.count == 6)
        #expect(q.commands[4] == "load \"\(dir)/p.nnm\"")
        #expect(q.trainingDataSHA256 == digest)
    }

    @Test func theDigestDependsOnTheDataAndIsKeptPerDataset() throws {
        let s = makeSession()
        _ = run("a = runge n=20 seed=1\nb = runge n=20 seed=2\nc = runge n=20 seed=1", in: s)
        func digest(_ name: String) -> [UInt8]? {
            if case .object(let o as DatasetObject)? = s.0.interpreter.globals[name] { return o.digest }
            return nil
        }
        #expect(digest("a") != nil && digest("a") == digest("c"))
        #expect(digest("a") != digest("b"))
        #expect(digest("a")?.count == 32)
    }

    @Test func loadOfAMissingFileHintsAtReading() {
        let r = runShell("m = load \"/tmp/nnsh-missing-model.nnm\"")
        #expect(r.error?.message == "/tmp/nnsh-missing-model.nnm: cannot open: No such file or directory (hint: check the file's name and folder, and that you may read it)")
    }

    // MARK: - Large files

    /// A sparse file of `size` bytes in `folder`, starting with `start`.
    static func sparseFile(_ folder: String, _ name: String, size: Int, start: [UInt8] = []) -> String {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(start))
        let fd = open(path, O_WRONLY)
        #expect(fd >= 0 && ftruncate(fd, off_t(size)) == 0)
        close(fd)
        return path
    }

    /// `load`, `info` and `import` check a file's first bytes (and its size against the memory
    /// limit) before reading the rest: a 1 GB sparse file that is not a model, or whose preamble
    /// announces 1 GB under a 1 MB limit, is refused having read only its start.
    @Test(arguments: [("m = load", 10, "at byte 0: not an nnsh model file (it starts with 00000000) (hint: give a file written by `save`; use `import` for .safetensors and .onnx files)"),
                      ("info", 6, "at byte 0: not an nnsh model file (it starts with 00000000) (hint: give a file written by `save`; use `import` for .safetensors and .onnx files)"),
                      ("m = import", 12, "at byte 8: the header does not start with '{' (hint: the file is damaged or not a safetensors file)")])
    func aLargeFileIsRefusedByItsFirstBytes(_ c: (command: String, column: Int, message: String)) throws {
        let folder = Self.folder("sparse-\(c.column)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let zeros = Self.sparseFile(folder, "zeros.nnm", size: 1 << 30)
        // A valid preamble (format 1.0) announcing a 1 GB header section.
        var preamble = ModelFile.magic + [1, 0, 0, 0]
        for v in [UInt64(1 << 30) - 32, 0] { preamble += (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let announced = Self.sparseFile(folder, "announced.nnm", size: 1 << 30, start: preamble)
        let count = AtomicFile.ByteCount()
        let (r, big) = AtomicFile.$bytesRead.withValue(count) {
            MemoryLimit.$scopedBytes.withValue(1 << 20) {
                (runShell("\(c.command) \"\(zeros)\""), runShell("m = load \"\(announced)\""))
            }
        }
        #expect(r.error?.message == "\(zeros): " + c.message)
        #expect(r.error?.column == c.column)
        #expect(big.error?.message == "\(announced): reading the whole file needs 1 GB, more than the memory limit of 1 MB (hint: set max_memory raises it)")
        #expect(count.bytes.load(ordering: .relaxed) <= 64, "read \(count.bytes.load(ordering: .relaxed)) bytes")
    }

    /// info said data=mnist-train ... validate=mnist-test for a model trained on `take data.train
    /// 5000` and validated on `take data.test 1000`: it gives the expressions and sizes.
    @Test func infoDescribesTheDataReallyUsed() throws {
        let dir = Self.folder("described")
        let s = makeSession()
        let r = run("""
            r = runge n=60 noise=0.05 seed=1
            t = runge n=30 noise=0.05 seed=2
            net = network 1
            add net dense 3 tanh
            add net dense 1 linear
            train net (take r 25) epochs=1 batch=5 validate=(take t 10) quiet   # a comment
            save net "\(dir)/d.nnm"
            info "\(dir)/d.nnm"
            """, in: s)
        #expect(r.error == nil, "\(r.error?.rendered() ?? "")")
        #expect(r.output.contains("\n  data: take r 25 (25 examples of runge)\n  validate: take t 10 (10 examples of runge)\n"), "\(r.output)")
        #expect(r.output.contains("  train (take r 25) epochs=1"))
        #expect(r.output.contains(" validate=(take t 10)\n"))
        let loss = try #require(Self.network("net", in: s.0)?.network.history.last?.trainingLoss)
        #expect(r.output.contains("last training loss \(ModelInfo.figure(loss))"))
        #expect(ModelInfo.figure(0.01893943346068263) == "0.0189")
        #expect(!r.output.contains("\(loss)"), "the full-precision figure is not printed")
    }

    /// A model of 28×28×3 images (a valid file) loads, saves and exports with its channels:
    /// the shell kept only rows × columns, so `save` refused ("image geometry 28×28×1 ...
    /// this is a bug") and `export` wrote a file `import` refused.
    @Test func colourImageModelsKeepTheirChannels() throws {
        let folder = Self.folder("channels")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let inputs = 28 * 28 * 3
        var header = ModelHeader(precision: .float32,
                                 architecture: Architecture(inputWidth: inputs, layers: [LayerSpec(width: 2, activation: "softmax")],
                                                            cost: "cross_entropy"))
        header.preprocessing.image = ImageGeometry(width: 28, height: 28, channels: 3)
        try ModelFile.writeContents(SavedModel<Float>(header: header, parameters: [Matrix(rows: inputs, columns: 2), Matrix(rows: 1, columns: 2)]),
                                    to: folder + "/colour.nnm")
        let r = runShell("""
            m = load "\(folder)/colour.nnm"
            save m "\(folder)/again.nnm"
            export m "\(folder)/colour.safetensors"
            i = import "\(folder)/colour.safetensors"
            save i "\(folder)/imported.nnm"
            """)
        #expect(r.error == nil, "\(r.error?.rendered() ?? "")")
        for file in ["again.nnm", "imported.nnm"] {
            let saved = try ModelFile.readContents(folder + "/" + file)
            guard case .float32(let model) = saved else { Issue.record("\(file): not float32"); continue }
            #expect(model.header.preprocessing.image == ImageGeometry(width: 28, height: 28, channels: 3), "\(file)")
        }
    }
}
