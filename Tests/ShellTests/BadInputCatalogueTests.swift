import Foundation
import Testing
@testable import Engine
@testable import ModelFiles
@testable import Shell

/// The bad-input catalogue (issue 9): mistakes people type and damaged files they give, one
/// case each across every layer — lexer, parser, interpreter, commands, data readers, engine,
/// model files — with the exact one-line message and its place, and proof that the session
/// survives intact: its variables keep their values, its network keeps its weights, and the
/// files on disk are unchanged.
@Suite struct BadInputCatalogueTests {
    /// What the session holds before each case.
    static let setup = """
        x = 41
        xs = [1, 2, 3]
        d = runge n=12 seed=1
        net = network 1
        add net dense 3 tanh
        add net dense 1 linear
        train net d epochs=1 batch=4 quiet
        """

    struct Case: CustomStringConvertible, Sendable {
        enum Fault: Sendable {
            case none
            /// `isInterrupted` turns true at its n-th poll (Ctrl-C arriving mid-run).
            case interruptAfter(polls: Int)
            /// Saving into the case's folder fails as on a full disk after n bytes.
            case fullDisk(after: Int)
            /// The memory limit during the case.
            case memoryLimit(Int)
        }
        let name: String
        /// Code run after `setup`; `{dir}` is the case's own folder of files.
        let source: String
        let line: Int
        let column: Int
        /// The exact message; `{dir}` as in `source`.
        let message: String
        var fault: Fault = .none
        /// Variables the case may add before it fails (its own successful statements).
        var defines: Set<String> = []
        /// The network's weights may change (Ctrl-C during training keeps the epochs done).
        var changesWeights = false
        var description: String { name }
    }

    static let cases: [Case] = [
        // MARK: Lexer and parser
        Case(name: "unterminated string", source: "print \"abc", line: 1, column: 7, message: "unfinished string (missing '\"')"),
        Case(name: "unclosed parenthesis", source: "y = (1 + 2", line: 1, column: 11, message: "')' expected (to close '(' at column 5)"),
        Case(name: "unclosed list", source: "y = [1, 2\nprint y", line: 2, column: 1, message: "']' expected (to close '[' at line 1) near 'print'"),
        Case(name: "unclosed block", source: "for i in [1] {\n  print i\n", line: 2, column: 10, message: "'}' expected (to close '{' at line 1)"),
        Case(name: "operator without operand", source: "y = 1 +* 2", line: 1, column: 8, message: "an expression expected near '*'"),
        Case(name: "stray closing parenthesis", source: "print 1 )", line: 1, column: 9, message: "unexpected ')' (no bracket is open)"),
        Case(name: "stray closing brace", source: "}", line: 1, column: 1, message: "unexpected '}' (no block is open)"),
        Case(name: "unknown character", source: "y = 3 $ 4", line: 1, column: 7, message: "unexpected character '$'"),
        Case(name: "malformed number", source: "print 2x", line: 1, column: 8, message: "malformed number '2x'"),
        Case(name: "repeated parameter", source: "proc f(a, a) { }", line: 1, column: 11, message: "parameter 'a' appears twice"),
        Case(name: "chained comparison", source: "print 1 < 2 < 3", line: 1, column: 13, message: "comparisons do not chain: write a < b and b < c"),
        Case(name: "assignment without value", source: "y = ", line: 1, column: 4, message: "a value after '=' expected"),
        Case(name: "bad format", source: "print \"{x:q}\"", line: 1, column: 7, message: "bad format ':q' (examples: :.3f  :8.2f  :.1%  :.2e  :>10)"),
        Case(name: "else without if", source: "else { }", line: 1, column: 1, message: "'else' without an 'if' before it (at the prompt, write it on the line of the '}')"),
        Case(name: "format width beyond any number", source: "print \"{x:99999999999999999999}\"", line: 1, column: 7,
             message: "bad format ':99999999999999999999' (examples: :.3f  :8.2f  :.1%  :.2e  :>10)"),
        Case(name: "reserved word as variable", source: "for in = 3", line: 1, column: 5, message: "'in' is a reserved word and cannot be a loop variable name"),

        // MARK: Unknown names and options
        Case(name: "unknown variable", source: "print y", line: 1, column: 7, message: "unknown variable 'y'; did you mean 'd' or 'x'?"),
        Case(name: "misspelt command", source: "trian net d", line: 1, column: 1, message: "unknown command 'trian'; did you mean 'train'?"),
        Case(name: "unknown option", source: "train net d epochz=3", line: 1, column: 13, message: "'train' has no option 'epochz'; did you mean 'epochs'?"),
        Case(name: "unknown activation", source: "add net dense 3 relux", line: 1, column: 17, message: "activation: 'relux' is not one of sigmoid, relu, leaky_relu, tanh, linear, softmax; did you mean 'relu'?"),
        Case(name: "unknown field", source: "print net.widht", line: 1, column: 10, message: "a network has no field 'widht'; its fields are: inputs, outputs, layers, parameters, precision, cost, epochs, history, paused"),
        Case(name: "field of a list", source: "print xs.size", line: 1, column: 9, message: "a list has no field 'size' (it has: count)"),

        // MARK: Wrong argument types
        Case(name: "number for a dataset", source: "train net x", line: 1, column: 11, message: "data: expected a dataset, got a number"),
        Case(name: "string for a width", source: "network \"a\"", line: 1, column: 9, message: "inputs: expected a whole number from 1 to 100000000 or a dataset or a record with .train, got \"a\""),
        Case(name: "string for a rate", source: "train net d lr=\"fast\"", line: 1, column: 13, message: "lr: expected a number from 0 to 1000000, got \"fast\""),
        Case(name: "list plus number", source: "print xs + 1", line: 1, column: 10, message: "cannot apply '+' to a list and a number"),
        Case(name: "number as condition", source: "if x { }", line: 1, column: 4, message: "the 'if' condition must be true or false, got a number"),
        Case(name: "loop over a number", source: "for i in x { }", line: 1, column: 10, message: "'for' needs a list or a range, got a number"),
        Case(name: "text as network input", source: "predict net [\"a\"]", line: 1, column: 13, message: "input: expected numbers, got a string"),

        // MARK: Missing and unreadable files
        Case(name: "missing model file", source: "m = load \"{dir}/missing.nnm\"", line: 1, column: 10,
             message: "{dir}/missing.nnm: cannot open: No such file or directory (hint: check the file's name and folder, and that you may read it)"),
        Case(name: "folder as model file", source: "m = load \"{dir}\"", line: 1, column: 10,
             message: "{dir}: is not a regular file (hint: give the path of a model file)"),
        Case(name: "missing script", source: "run \"{dir}/missing.nnsh\"", line: 1, column: 5, message: "no such file: {dir}/missing.nnsh"),
        Case(name: "script that is not text", source: "run \"{dir}/binary.nnsh\"", line: 1, column: 5, message: "cannot read {dir}/binary.nnsh as UTF-8 text"),
        Case(name: "missing CSV", source: "c = csv \"{dir}/missing.csv\"", line: 1, column: 9, message: "{dir}/missing.csv: cannot open: No such file or directory"),
        Case(name: "missing IDX", source: "i = idx \"{dir}/missing.idx\"", line: 1, column: 9, message: "{dir}/missing.idx: cannot open: No such file or directory"),
        Case(name: "missing picture", source: "classify net \"{dir}/missing.png\"", line: 1, column: 14, message: "{dir}/missing.png: cannot open: No such file or directory"),
        Case(name: "info of a missing file", source: "info \"{dir}/missing.nnm\"", line: 1, column: 6,
             message: "{dir}/missing.nnm: cannot open: No such file or directory (hint: check the file's name and folder, and that you may read it)"),

        // MARK: Corrupt files
        Case(name: "IDX with a wrong magic", source: "i = idx \"{dir}/magic.idx\"", line: 1, column: 9, message: "{dir}/magic.idx: not an IDX file: wrong magic number 0x01020304 (expected 0x0000TTNN)"),
        Case(name: "truncated IDX", source: "i = idx \"{dir}/short.idx\"", line: 1, column: 9, message: "{dir}/short.idx: truncated: the header says 3×2 uint8 (6 data bytes) but the file holds 4"),
        Case(name: "IDX claiming terabytes", source: "i = idx \"{dir}/huge.idx\"", line: 1, column: 9, message: "{dir}/huge.idx: header claims 65535×65535×65535 uint8, more than 4 GiB; the file is damaged"),
        Case(name: "ragged CSV", source: "c = csv \"{dir}/ragged.csv\"", line: 1, column: 9, message: "{dir}/ragged.csv:3:1: this row has 1 cell; the first row has 2"),
        Case(name: "CSV with text in a number column", source: "c = csv \"{dir}/text.csv\"", line: 1, column: 9, message: "{dir}/text.csv:3:3: \"4.x\" in column \"y\" is not a number"),
        Case(name: "CSV cell with control characters", source: "c = csv \"{dir}/controls.csv\"", line: 1, column: 9,
             message: "{dir}/controls.csv:3:3: \"4\\n\\0\\u{1B}[2J\" in column \"y\\t\" is not a number"),
        Case(name: "empty CSV", source: "c = csv \"{dir}/empty.csv\"", line: 1, column: 9, message: "{dir}/empty.csv: no rows"),
        Case(name: "picture that is not a picture", source: "classify net \"{dir}/text.png\"", line: 1, column: 14, message: "{dir}/text.png: not a PNG, PGM (P2/P5) or PPM (P3/P6) picture"),
        Case(name: "truncated PNG", source: "classify net \"{dir}/short.png\"", line: 1, column: 14, message: "{dir}/short.png: truncated: the file ends inside a chunk header"),
        Case(name: "truncated model file", source: "m = load \"{dir}/short.nnm\"", line: 1, column: 10, message: "{dir}/short.nnm: the file is cut short: 20 bytes, not even a complete 28-byte preamble (hint: the save was interrupted or the copy is incomplete; save or copy it again)"),
        Case(name: "damaged model file", source: "m = load \"{dir}/flipped.nnm\"", line: 1, column: 10, message: "{dir}/flipped.nnm: at byte {end}: checksum mismatch (stored {crc}): the file is damaged (hint: save the model again or restore a copy)"),
        Case(name: "text file as model", source: "m = load \"{dir}/ragged.csv\"", line: 1, column: 10, message: "{dir}/ragged.csv: at byte 0: not an nnsh model file (it starts with 782c790a) (hint: give a file written by `save`; use `import` for .safetensors and .onnx files)"),
        Case(name: "model from a newer nnsh", source: "m = load \"{dir}/newer.nnm\"", line: 1, column: 10, message: "{dir}/newer.nnm: at byte 8: the file has format version 2.0; this nnsh reads 1.x (hint: it was written by a newer nnsh; upgrade nnsh to load it)"),
        Case(name: "model history lasting 1e300 seconds", source: "m = load \"{dir}/ages.nnm\"", line: 1, column: 10,
             message: "{dir}/ages.nnm: at byte 28: epoch record 1 of the training history lasted 1e+300 seconds; a duration is from 0 to 1000000000 (hint: the file is damaged or was written by a faulty program)"),
        Case(name: "conv record whose kernel does not fit its image", source: "m = load \"{dir}/kernel.nnm\"", line: 1, column: 10,
             message: "{dir}/kernel.nnm: at byte 28: layer 1: a 9×9 kernel does not fit a 6×6 image with padding 1 (hint: the file is damaged or was written by a faulty program)"),
        Case(name: "conv record with no filters", source: "info \"{dir}/filters.nnm\"", line: 1, column: 6,
             message: "{dir}/filters.nnm: at byte 28: layer 1's filters is 0; it must be between 1 and 2147483647 (hint: the file is damaged or was written by a faulty program)"),
        Case(name: "conv record of an unknown kind", source: "m = load \"{dir}/kind.nnm\"", line: 1, column: 10,
             message: "{dir}/kind.nnm: at byte 103: layer record 1 is a 'conv3d' layer, which this nnsh does not know (hint: the file was written by a newer nnsh; upgrade nnsh to load it)"),
        Case(name: "conv weights of another shape than their record", source: "m = load \"{dir}/weights.nnm\"", line: 1, column: 10,
             message: "{dir}/weights.nnm: at byte {weights}: layer 1 weights are 2×8, but layer 1 holds them as 2×9 (2×1×3×3) (hint: the file is damaged or was written by a faulty program)"),
        Case(name: "maxpool record whose window does not fit its image", source: "m = load \"{dir}/pool.nnm\"", line: 1, column: 10,
             message: "{dir}/pool.nnm: at byte 28: the maxpool layer in front of layer 3: a 7×7 pooling window does not fit a 4×4 image (hint: the file is damaged or was written by a faulty program)"),
        Case(name: "flatten record with a setting", source: "info \"{dir}/flatten.nnm\"", line: 1, column: 6,
             message: "{dir}/flatten.nnm: at byte 326: layer record 4 has 8 unexpected bytes at its end (hint: the file is damaged; save it again)"),
        Case(name: "batchnorm record with a negative momentum", source: "m = load \"{dir}/momentum.nnm\"", line: 1, column: 10,
             message: "{dir}/momentum.nnm: at byte 28: layer 2: a batch-normalisation momentum must lie in [0, 1], got -0.5 (hint: the file is damaged or was written by a faulty program)"),
        Case(name: "batchnorm state with a negative running variance", source: "m = load \"{dir}/variance.nnm\"", line: 1, column: 10,
             message: "{dir}/variance.nnm: layer 2's running variance has a negative value, -1.0 (hint: the file is damaged; save it again)"),
        Case(name: "batchnorm state missing", source: "m = load \"{dir}/state.nnm\"", line: 1, column: 10,
             message: "{dir}/state.nnm: at byte 785: rows of layer 2 batches seen needs 8 bytes but only 0 remain (hint: the file was cut short or damaged; save it again)"),
        Case(name: "damaged safetensors", source: "m = import \"{dir}/bad.safetensors\"", line: 1, column: 12, message: "{dir}/bad.safetensors: at byte 8: the header does not start with '{' (hint: the file is damaged or not a safetensors file)"),
        Case(name: "ONNX model with a convolution", source: "m = import \"{dir}/conv.onnx\"", line: 1, column: 12,
             message: "{dir}/conv.onnx: at byte 4: node 'c' uses the operator Conv, which nnsh cannot import (hint: \(ONNXImport.supported))"),
        Case(name: "truncated ONNX model", source: "m = import \"{dir}/short.onnx\"", line: 1, column: 12,
             message: "{dir}/short.onnx: at byte 3: field 7 says it holds 32 bytes but only 1 remain (hint: the file was cut short or is damaged)"),
        Case(name: "ONNX model that is not one", source: "m = import \"{dir}/good.csv.onnx\"", line: 1, column: 12,
             message: "{dir}/good.csv.onnx: at byte 0: not an ONNX model (it starts with byte 78) (hint: give an .onnx file written by export, torch.onnx.export or onnx.save)"),
        Case(name: "ONNX import with activations", source: "m = import activations=[relu] \"{dir}/conv.onnx\"", line: 1, column: 12,
             message: "activations: an ONNX model's graph names its activations; leave activations= out"),

        Case(name: "truncated npy", source: "n = npy \"{dir}/short.npy\"", line: 1, column: 9,
             message: "{dir}/short.npy: at byte 128: the header says 2×3 float32 (24 data bytes) but only 20 follow (hint: the file was cut short; save it again)"),
        Case(name: "npy with a bad header", source: "n = npy \"{dir}/header.npy\"", line: 1, column: 9,
             message: "{dir}/header.npy: at byte 10: bad header: unknown key 'x' (a .npy header has descr, fortran_order and shape) (hint: the file is damaged or not a NumPy .npy file)"),
        Case(name: "npy claiming petabytes", source: "n = npy \"{dir}/huge.npy\"", line: 1, column: 9,
             message: "{dir}/huge.npy: at byte 128: the header says 100000×100000×100000 float64 (8000000000000000 data bytes) but only 0 follow (hint: the file was cut short; save it again)"),
        Case(name: "npz bomb", source: "n = npz \"{dir}/bomb.npz\"", line: 1, column: 9,
             message: "{dir}/bomb.npz: at byte 40: member 'inputs.npy' declares 4294967280 bytes unpacked, more than nnsh reads from one member (2 GiB) (hint: the file is damaged or not a ZIP archive)"),
        Case(name: "npz with a bad offset", source: "n = npz \"{dir}/offset.npz\"", line: 1, column: 9,
             message: "{dir}/offset.npz: at byte 192: member 'inputs.npy': its data lie beyond the end of the file (270 bytes) (hint: the file was cut short or is damaged)"),
        Case(name: "truncated npz", source: "n = npz \"{dir}/short.npz\"", line: 1, column: 9,
             message: "{dir}/short.npz: at byte 170: not a ZIP archive: no end of central directory record (hint: the file is damaged or not a ZIP archive)"),
        Case(name: "npz without the arrays", source: "n = npz \"{dir}/keras.npz\"", line: 1, column: 9,
             message: "{dir}/keras.npz: no array 'inputs' (the archive holds arrays x_train, y_train); name the examples with inputs="),
        Case(name: "npy given as npz", source: "n = npz \"{dir}/x.npy\"", line: 1, column: 9,
             message: "{dir}/x.npy: at byte 152: a single .npy array, not a .npz archive (hint: read it with npy, or name it .npy)"),

        Case(name: "training log into a file", source: "train net d log=\"{dir}/good.csv\" quiet", line: 1, column: 13,
             message: "{dir}/good.csv: not a folder"),
        Case(name: "dataset saved as a model file", source: "save d \"{dir}/d.nnm\"", line: 1, column: 8,
             message: "a dataset is saved as CSV or as NumPy arrays (name it .csv or .npz), not as a .nnm file"),
        Case(name: "class count without a label column", source: "c = csv \"never-read.csv\" classes=3", line: 1, column: 26,
             message: "classes= describes the label column: give label= too"),

        // MARK: Data that does not fit the network
        Case(name: "data too wide", source: "train net (runge n=5 degree=2 seed=1) quiet", line: 1, column: 11, message: "the training data has 2 features per example but the network takes 1"),
        Case(name: "input too wide", source: "predict net [1, 2]", line: 1, column: 13, message: "input: the network takes 1 number, got 2"),
        Case(name: "classify with a non-image network", source: "classify net \"{dir}/digit.pgm\"", line: 1, column: 10, message: "the network takes 1 input, but a prepared picture has 784 (28×28)"),
        Case(name: "images of non-image data", source: "show d 0", line: 1, column: 6, message: "runge holds no images (1 feature per example)"),
        Case(name: "joining data of different widths", source: "both = concat d (runge n=3 degree=2 seed=1)", line: 1, column: 17,
             message: "runge+runge: the inputs differ: runge has 1 feature, runge has 2 features"),
        Case(name: "joining class and regression data", source: "both = concat d (csv \"{dir}/good.csv\" label=\"y\")", line: 1, column: 17,
             message: "runge+good.csv: the targets differ: runge has 1 regression target, good.csv has class labels"),
        Case(name: "joining raw and standardized data", source: "both = concat d (standardize d)", line: 1, column: 17,
             message: "cannot join datasets with different scalings: the second is standardized and the first is not (join the raw data, then standardize)"),
        Case(name: "classes for regression data", source: "c = network 1\nadd c dense 2 softmax\ntrain c d quiet", line: 3, column: 9, message: "the training data has 1 target value per example but the network gives 2", defines: ["c"]),

        Case(name: "softmax of one unit", source: "s = network 1\nadd s dense 1 softmax\ntrain s d quiet", line: 3, column: 1,
             message: "the output layer is a softmax of 1 unit, which always gives 1, so training cannot change anything (use one softmax unit per class, or 1 sigmoid unit for two classes)",
             defines: ["s"]),
        Case(name: "batch normalisation of one example", source: "b = network 1\nadd b dense 4 tanh\nadd b batchnorm\nadd b dense 1 linear\ntrain b d batch=1 quiet",
             line: 5, column: 11,
             message: "layer 2 (batchnorm 4 momentum 0.1 epsilon 1e-05) needs at least 2 examples in a training batch, to normalise over the batch, but each training batch has 1 (12 examples in batches of 1); choose another batch size",
             defines: ["b"]),
        Case(name: "batchnorm with units", source: "add net batchnorm 8", line: 1, column: 19,
             message: "units: a batchnorm layer takes only momentum="),

        // MARK: Layers that read images (conv, maxpool, flatten)
        Case(name: "conv on a flat network", source: "add net conv 8 3 relu", line: 1, column: 9,
             message: "a convolution needs images (channels×height×width), but layer 2 (dense) gives 1 flat value"),
        Case(name: "maxpool on a flat network", source: "add net maxpool 2", line: 1, column: 9,
             message: "max pooling needs images (channels×height×width), but layer 2 (dense) gives 1 flat value"),
        Case(name: "flatten of a flat network", source: "add net flatten", line: 1, column: 9,
             message: "flatten needs images (channels×height×width), but layer 2 (dense) gives 1 flat value"),
        Case(name: "conv kernel larger than the image", source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 4 7 relu",
             line: 3, column: 14, message: "a 7×7 kernel does not fit a 6×6 image with padding 0", defines: ["i", "c"]),
        Case(name: "maxpool window larger than the maps",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 4 3 relu\nadd c maxpool 5",
             line: 4, column: 15, message: "a 5×5 pooling window does not fit a 4×4 image", defines: ["i", "c"]),
        Case(name: "softmax convolution", source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 4 3 softmax",
             line: 3, column: 16, message: "a convolution takes an element-wise activation, not softmax", defines: ["i", "c"]),
        Case(name: "pad=same with an even kernel", source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 4 2 relu pad=same",
             line: 3, column: 21, message: "pad=same needs an odd kernel and stride 1 (got kernel 2, stride 1); give pad=n", defines: ["i", "c"]),
        Case(name: "feature maps of a flat layer",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 4 3 relu\nadd c flatten\nshow i 0 net=c layer=2",
             line: 5, column: 16, message: "layer: layer 2 (flatten) gives 64 values, not images; layers with image output: 1", defines: ["i", "c"]),
        Case(name: "feature maps past the last layer",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 4 3 relu\nshow i 0 net=c layer=3",
             line: 4, column: 16, message: "layer: there is no layer 3; c has 1 layer", defines: ["i", "c"]),
        Case(name: "feature maps of a network without layers",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nshow i 0 net=c",
             line: 3, column: 1, message: "layer: there is no layer 1; c has no layers", defines: ["i", "c"]),
        Case(name: "feature maps of several examples",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 4 3 relu\nshow i 0 net=c count=2",
             line: 4, column: 16, message: "count: feature maps are drawn for one example at a time", defines: ["i", "c"]),
        Case(name: "a layer to show without a network",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nshow i 1 layer=1",
             line: 2, column: 10, message: "layer: only with net= (the network whose feature maps to draw)", defines: ["i"]),
        Case(name: "feature maps of an example past the last",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 4 3 relu\nshow i 2 net=c",
             line: 4, column: 8, message: "index 2 is past the last example (2 examples, first is 0)", defines: ["i", "c"]),
        Case(name: "training whose conv columns pass the memory limit",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 1 50 relu pad=49\nadd c dense 2 softmax\ntrain c i epochs=1 quiet",
             line: 5, column: 1, message: "training (batch 2, 8553 parameters) needs 173.5 MB, more than the memory limit of 64 MB (set max_memory raises it)",
             fault: .memoryLimit(64 << 20), defines: ["i", "c"]),
        Case(name: "a conv layer's columns beyond the memory limit",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 2 1000 relu pad=999",
             line: 3, column: 14, message: "one example in a 1000×1000 convolution over 1005×1005 positions needs 3.7 TB, more than the memory limit of 1 GB (set max_memory raises it)",
             fault: .memoryLimit(1 << 30), defines: ["i", "c"]),
        Case(name: "a conv layer's weights beyond the memory limit",
             source: "i = idx \"{dir}/images.idx\" \"{dir}/labels.idx\"\nc = network i\nadd c conv 100000 1000 relu pad=999",
             line: 3, column: 19, message: "a 100000×1×1000×1000 float32 convolution weight tensor needs 372.5 GB, more than the memory limit of 1 GB (set max_memory raises it)",
             fault: .memoryLimit(1 << 30), defines: ["i", "c"]),
        Case(name: "conv without a kernel size", source: "add net conv 4", line: 1, column: 14,
             message: "a conv layer needs its kernel size after the filters: add net conv 32 3 relu"),
        Case(name: "maxpool without a window", source: "add net maxpool", line: 1, column: 9,
             message: "a maxpool layer needs its window: add net maxpool 2"),
        Case(name: "a fractional pooling window", source: "add net maxpool 1.5", line: 1, column: 17,
             message: "units: a maxpool layer's window is a whole number, got 1.5"),
        Case(name: "stride for a dense layer", source: "add net dense 3 relu stride=2", line: 1, column: 22,
             message: "stride: a dense layer takes units, an activation, alpha=, init=, stddev= and seed="),
        Case(name: "kernel size for a dense layer", source: "add net dense 3 5", line: 1, column: 17,
             message: "kernel: a dense layer takes units, an activation, alpha=, init=, stddev= and seed="),
        Case(name: "settings for flatten", source: "add net flatten 2", line: 1, column: 17,
             message: "units: a flatten layer takes nothing (add net flatten)"),

        // MARK: Absurd sizes
        Case(name: "a trillion units", source: "add net dense 1e12", line: 1, column: 15, message: "units: expected a number from 0 to 1000000, got 1000000000000"),
        Case(name: "a trillion inputs", source: "n = network 1e12", line: 1, column: 13, message: "inputs: expected a whole number from 1 to 100000000 or a dataset or a record with .train, got 1000000000000"),
        Case(name: "layer beyond the memory limit", source: "n = network 100000\nadd n dense 100000", line: 2, column: 13,
             message: "a 100000×100000 float32 weight matrix needs 37.3 GB, more than the memory limit of 1 GB (set max_memory raises it)",
             fault: .memoryLimit(1 << 30), defines: ["n"]),
        Case(name: "dataset beyond the memory limit", source: "r = runge n=10000000 degree=30", line: 1, column: 5,
             message: "runge: a set of 10000000 points needs 2.5 GB, more than the memory limit of 512 MB (set max_memory raises it)",
             fault: .memoryLimit(512 << 20)),
        Case(name: "ridge beyond the memory limit", source: "w = csv \"{dir}/wide.csv\" target=\"y\"\nf = ridge w", line: 2, column: 11,
             message: "least squares on 3 examples × 400 features needs 1.3 MB, more than the memory limit of 1 MB (set max_memory raises it)",
             fault: .memoryLimit(1 << 20), defines: ["w"]),
        Case(name: "lasso beyond the memory limit", source: "w = csv \"{dir}/wide.csv\" target=\"y\"\nf = lasso w", line: 2, column: 11,
             message: "the Lasso on 3 examples × 400 features needs 1.2 MB, more than the memory limit of 1 MB (set max_memory raises it)",
             fault: .memoryLimit(1 << 20), defines: ["w"]),
        Case(name: "memory limit too small", source: "set max_memory 10", line: 1, column: 16, message: "max_memory: expected a size of at least 1MB (2GB, 512MB), got 10"),
        Case(name: "skip_zero_inputs not a bool", source: "set skip_zero_inputs 1", line: 1, column: 22,
             message: "skip_zero_inputs: expected true or false, got 1"),
        Case(name: "batch of zero", source: "train net d batch=0", line: 1, column: 13, message: "batch: expected a whole number from 1 to 100000000, got 0"),
        Case(name: "negative epochs", source: "train net d epochs=-1", line: 1, column: 13, message: "epochs: expected a whole number from 0 to 1000000, got -1"),
        Case(name: "NaN learning rate", source: "train net d lr=nan", line: 1, column: 16, message: "unknown variable 'nan'"),
        // The engine's refusals of the options point at the argument that set the field.
        Case(name: "learning rate of zero", source: "train net d epochs=2 lr=0", line: 1, column: 22,
             message: "learning rate must be a finite number > 0, got 0.0"),
        Case(name: "holdout of everything", source: "train net d holdout=1 quiet", line: 1, column: 13,
             message: "the holdout fraction must be between 0 and 1 (exclusive), got 1.0"),
        Case(name: "patience without validation", source: "train net d epochs=2 patience=2", line: 1, column: 22,
             message: "patience= needs validation data: add validate=DATASET or holdout=0.1"),
        Case(name: "validation set and holdout", source: "train net d validate=d holdout=0.5", line: 1, column: 24,
             message: "give either validate= or holdout=, not both"),
        Case(name: "computed NaN learning rate", source: "train net d lr=(10 ^ 400 - 10 ^ 400)", line: 1, column: 13, message: "lr: expected a number from 0 to 1000000, got nan"),
        Case(name: "a trillion numbers as a list", source: "print (sum 0..<1e12)", line: 1, column: 8,
             message: "values: a range of 1000000000000 numbers is too long to use as a list (at most 10000000; a for loop can step through it)"),
        Case(name: "too many points", source: "r = runge n=1e9", line: 1, column: 11, message: "n: expected a whole number from 1 to 10000000, got 1000000000"),

        // MARK: Runaway recursion
        Case(name: "procedure calling itself", source: "proc f() { return f }\nf", line: 1, column: 19,
             message: "too many nested procedure calls (more than 200); is 'f' calling itself forever?", defines: ["f"]),
        Case(name: "script running itself", source: "run \"{dir}/self.nnsh\"", line: 1, column: 5,
             message: "'run' nested more than 16 deep (does a script run itself?)"),

        Case(name: "brackets nested too deep", source: "print " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
             line: 1, column: 107, message: "too deeply nested: more than 100 brackets, blocks or prefix operators inside each other"),
        Case(name: "blocks nested too deep", source: String(repeating: "if true { ", count: 500) + String(repeating: "}", count: 500),
             line: 1, column: 1004, message: "too deeply nested: more than 100 brackets, blocks or prefix operators inside each other"),
        Case(name: "expression too long", source: "print " + Array(repeating: "1", count: 20000).joined(separator: " + "),
             line: 1, column: 2005, message: "expression too long: more than 500 operators or levels; split it over several statements"),
        Case(name: "lists nested too deep at run time", source: "y = []\nfor i in 0..<100000 { y = [y] }", line: 2, column: 27,
             message: "lists nested more than 100 deep", defines: ["y", "i"]),

        Case(name: "range to NaN", source: "r = 0...(10 ^ 400 - 10 ^ 400)", line: 1, column: 6,
             message: "a range's ends must be finite numbers, got 0 and nan"),
        Case(name: "range from infinity", source: "r = (10 ^ 400)..<1", line: 1, column: 15,
             message: "a range's ends must be finite numbers, got inf and 1"),

        // MARK: Arithmetic
        Case(name: "division by zero", source: "print x / 0", line: 1, column: 9, message: "division by zero"),
        Case(name: "remainder by zero", source: "print x % 0", line: 1, column: 9, message: "remainder by zero"),

        // MARK: Full disk
        Case(name: "full disk while saving", source: "save net \"{dir}/good.nnm\"", line: 1, column: 10,
             message: "{dir}/good.nnm: cannot write: No space left on device (hint: check that the folder exists, is writable and has free space)",
             fault: .fullDisk(after: 100)),

        Case(name: "saving onto a FIFO", source: "save net \"{dir}/special/fifo\"", line: 1, column: 10,
             message: "{dir}/special/fifo: cannot write here: it is a named pipe (FIFO), not a regular file (hint: give the path of a regular file, or of a new one)"),
        Case(name: "exporting onto a FIFO", source: "export net \"{dir}/special/fifo\"", line: 1, column: 12,
             message: "{dir}/special/fifo: cannot write here: it is a named pipe (FIFO), not a regular file (hint: give the path of a regular file, or of a new one)"),
        Case(name: "ONNX export onto a FIFO", source: "export net \"{dir}/special/fifo.onnx\"", line: 1, column: 12,
             message: "{dir}/special/fifo.onnx: cannot write here: it is a named pipe (FIFO), not a regular file (hint: give the path of a regular file, or of a new one)"),
        Case(name: "ONNX export of a network ending in dropout", source: "e = network 1\nadd e dense 2 relu\nadd e dropout 0.5\nexport e \"{dir}/e.onnx\"",
             line: 4, column: 10,
             message: "{dir}/e.onnx: the network ends with a dropout layer, which a model file keeps only in front of a dense layer (hint: add a dense layer after the dropout before exporting)",
             defines: ["e"]),

        // MARK: Ctrl-C at each stage
        Case(name: "Ctrl-C while loading", source: "c = csv \"{dir}/good.csv\"\nprint c.count", line: 1, column: 5,
             message: "csv stopped reading {dir}/good.csv by Ctrl-C; nothing was changed", fault: .interruptAfter(polls: 2)),
        Case(name: "Ctrl-C while training", source: "train net d epochs=5 batch=2 quiet", line: 1, column: 1,
             message: "training paused by Ctrl-C in epoch 1 of 5 (epoch 2 in all), after batch 1 of 6; weights, history and optimizer state are kept: resume net goes on from there",
             fault: .interruptAfter(polls: 2), changesWeights: true),
        Case(name: "Ctrl-C in a while loop", source: "k = 0\nwhile true { k = k + 1 }", line: 2, column: 1,
             message: "interrupted (Ctrl-C)", fault: .interruptAfter(polls: 1000), defines: ["k"]),
        Case(name: "Ctrl-C in a long for loop", source: "for i in 0..<1000000000 { }", line: 1, column: 1,
             message: "interrupted (Ctrl-C)", fault: .interruptAfter(polls: 1000), defines: ["i"]),
        Case(name: "Ctrl-C during sleep", source: "sleep 3600", line: 1, column: 1,
             message: "interrupted (Ctrl-C)", fault: .interruptAfter(polls: 5)),
    ]

    // MARK: - Files the cases read

    /// A folder holding the case's files, good and damaged.
    static func makeFiles(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "nnsh-catalogue-\(getpid())-" + name.replacingOccurrences(of: " ", with: "-")
        let fm = FileManager.default
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func write(_ file: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + file)) }
        try write("binary.nnsh", [0xFF, 0xFE, 0x00, 0x80])
        try write("magic.idx", [1, 2, 3, 4, 0, 0, 0, 1, 7])
        try write("short.idx", [0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 3, 4])
        try write("huge.idx", [0, 0, 0x08, 3, 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF])
        // Two 6×6 images and their labels (the layers that read images).
        try write("images.idx", [0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 6, 0, 0, 0, 6] + (0..<72).map { UInt8($0 * 3) })
        try write("labels.idx", [0, 0, 0x08, 1, 0, 0, 0, 2, 0, 1])
        try write("ragged.csv", Array("x,y\n1,2\n3\n".utf8))
        try write("text.csv", Array("x,y\n1,2\n3,4.x\n".utf8))
        try write("empty.csv", [])
        try write("controls.csv", Array("x,\"y\t\"\n1,2\n3,\"4\n\u{0}\u{1B}[2J\"\n".utf8))
        try write("good.csv", Array("x,y\n1,2\n3,4\n".utf8))
        let wideHeader = (1...400).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        let wideRows = (0..<3).map { r in (0...400).map { String(($0 * 7 + r * 3) % 11) }.joined(separator: ",") }
        try write("wide.csv", Array((wideHeader + wideRows.joined(separator: "\n") + "\n").utf8))
        try write("text.png", Array("hello, not a picture".utf8))
        try write("short.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
        try write("digit.pgm", Array("P2\n2 2\n255\n0 255\n255 0\n".utf8))
        try write("bad.safetensors", [8, 0, 0, 0, 0, 0, 0, 0] + Array("[1,2,3] ".utf8))
        // ONNX: a graph of one Conv node (its key at byte 4: ir_version 08 07, then the graph's
        // key and one-byte length), a model cut inside its graph, and text named .onnx.
        var conv = ProtobufWriter()
        conv.int(ONNXModel.Field.Model.irVersion, 7)
        conv.message(ONNXModel.Field.Model.graph) { g in
            g.message(ONNXModel.Field.Graph.node) { ONNXModel.write(ONNXModel.Node(opType: "Conv", inputs: ["x", "k"], output: "c"), &$0) }
            g.message(ONNXModel.Field.Graph.input) { $0.string(ONNXModel.Field.ValueInfo.name, "x") }
            g.message(ONNXModel.Field.Graph.output) { $0.string(ONNXModel.Field.ValueInfo.name, "c") }
        }
        conv.message(ONNXModel.Field.Model.opsetImport) { $0.int(ONNXModel.Field.OperatorSetID.version, 13) }
        try write("conv.onnx", conv.bytes)
        try write("short.onnx", [0x08, 0x07, 0x3A, 0x20, 0x0A])
        try write("good.csv.onnx", Array("x,y\n1,2\n".utf8))
        // NumPy files: good ones, and damaged ones (NumPyFileTests has the byte layouts).
        let x = NumPyArray(shape: [2, 3], values: [0, 1, 2, 3, 4, 5] as [Float]).encode()
        try write("x.npy", x)
        try write("short.npy", Array(x.dropLast(4)))
                try write("header.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}"))
        try write("huge.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"))
        let archive = try ZipArchive.encode([ZipArchive.Member(name: "inputs.npy", data: x)])
        let central = archive.count - 22 - 46 - "inputs.npy".utf8.count
        // Deflated, declaring 4 GiB unpacked (method +10 in the central entry, +8 in the local header; size +24).
        var bomb = archive
        bomb[8] = 8; bomb[central + 10] = 8
        for (i, b) in [0xF0, 0xFF, 0xFF, 0xFF].enumerated() { bomb[central + 24 + i] = UInt8(b) }
        try write("bomb.npz", bomb)
        var offset = archive
        for (i, b) in [0, 0, 0, 0x7F].enumerated() { offset[central + 42 + i] = UInt8(b) }
        try write("offset.npz", offset)
        try write("short.npz", Array(archive.prefix(170)))
        var keras = NumPyArchive()
        keras["x_train"] = NumPyArray(shape: [1, 1], bytes: [1])
        keras["y_train"] = NumPyArray(shape: [1], bytes: [1])
        try write("keras.npz", try keras.encode())
        // A FIFO, in a folder of its own: reading it (as `snapshot` reads files) would block.
        try fm.createDirectory(atPath: dir + "/special", withIntermediateDirectories: true)
        guard mkfifo(dir + "/special/fifo", 0o644) == 0, mkfifo(dir + "/special/fifo.onnx", 0o644) == 0 else {
            throw CatalogueError(message: "mkfifo failed")
        }
        try write("self.nnsh", Array("run \"\(dir)/self.nnsh\"\n".utf8))
        // Model files: a good one, and damaged copies of it.
        let session = makeSession()
        let saved = runShell(setup + "\nsave net \"\(dir)/good.nnm\"", in: session)
        guard saved.succeeded else { throw CatalogueError(message: saved.error?.rendered() ?? "setup failed") }
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/good.nnm")))
        try write("short.nnm", Array(good.prefix(20)))
        var flipped = good
        flipped[good.count / 2] ^= 0x40
        try write("flipped.nnm", flipped)
        var newer = good
        newer[8] = 2
        try write("newer.nnm", newer)
        try write("ages.nnm", try modelFile(historySeconds: 1e300))
        // Conv records (format 1.2) as a faulty program would write them.
        try write("kernel.nnm", try convModelFile { $0.header.architecture.stack[0].settings[4].value = .size(9) })
        try write("filters.nnm", try convModelFile { $0.header.architecture.stack[0].settings[3].value = .size(0) })
        try write("kind.nnm", try convModelFile { $0.header.architecture.stack[0].kind = "conv3d" })
        try write("weights.nnm", try convModelFile { $0.parameters[0] = Matrix(rows: 2, columns: 8) })
        // Max-pooling, flatten and batch-normalisation records, and batch normalisation's state.
        try write("pool.nnm", try pooledModelFile { $0.header.architecture.stack[2].settings[3].value = .size(7) })
        try write("flatten.nnm", try pooledModelFile { $0.header.architecture.stack[3].settings = [.init("window", .size(2))] })
        try write("momentum.nnm", try pooledModelFile { $0.header.architecture.stack[1].settings[0].value = .number(-0.5) })
        try write("variance.nnm", try pooledModelFile { $0.states[1].storage[0] = -1 })
        try write("state.nnm", try pooledModelFile { $0.states.removeLast() })
        return dir
    }

    struct CatalogueError: Error { let message: String }

    /// An `.npy` file of no data with `header` as its header text, padded as NumPy pads it.
    static func npy(_ header: String) -> [UInt8] {
        var text = Array(header.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        return NumPyArray.magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
    }

    /// A one-layer model file whose one history entry lasted `historySeconds` (written valid,
    /// then that field edited and the checksum recomputed: files `save` would refuse to write).
    static func modelFile(historySeconds: Double) throws -> [UInt8] {
        let marker = 0.3125
        let header = ModelHeader(precision: .float32,
                                 architecture: Architecture(inputWidth: 1, layers: [LayerSpec(width: 1, activation: "linear")], cost: "mse"),
                                 history: TrainingHistory(epochs: [EpochRecord(epoch: 1, trainingLoss: 0.5, trainingMetric: 0.5,
                                     validationLoss: nil, validationMetric: nil, metric: .mse, samples: 10, seconds: marker, complete: true)]))
        var bytes = try ModelFile.encode(SavedModel<Float>(header: header, parameters: [Matrix([[0.5]]), Matrix([[0.25]])]))
        let needle = (0..<8).map { UInt8(truncatingIfNeeded: marker.bitPattern >> (8 * $0)) }
        guard let at = (0...(bytes.count - 8)).first(where: { Array(bytes[$0 ..< $0 + 8]) == needle }) else {
            throw CatalogueError(message: "no duration in the model file")
        }
        for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: historySeconds.bitPattern >> (8 * i)) }
        let end = bytes.count - 4
        let crc = CRC32.checksum(bytes[..<end])
        for i in 0..<4 { bytes[end + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
        return bytes
    }

    /// A 1×6×6 → conv 2 3×3 padding 1 relu → 2 softmax model file changed by `edit` and
    /// written without the writer's checks. Its tensors start at `convWeightsOffset`.
    static func convModelFile(_ edit: (inout SavedModel<Float>) -> Void) throws -> [UInt8] {
        var g = RandomGenerator(seed: 3)
        let net = try Network<Float>(inputShape: Shape([1, 6, 6]))
        try net.addConvolution(filters: 2, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        var model = SavedModel(network: net, extras: ModelExtras(provenance: Provenance(nnshVersion: "0", date: 0)))
        edit(&model)
        return try ModelFile.$skipValidation.withValue(true) { try ModelFile.encode(model) }
    }

    /// A 1×6×6 → conv 2 3×3 relu → batchnorm → maxpool 2 → flatten → 2 softmax model file
    /// changed by `edit` and written without the writer's checks.
    static func pooledModelFile(_ edit: (inout SavedModel<Float>) -> Void) throws -> [UInt8] {
        var g = RandomGenerator(seed: 3)
        let net = try Network<Float>(inputShape: Shape([1, 6, 6]))
        try net.addConvolution(filters: 2, kernel: 3, activation: .relu, generator: &g)
        try net.addBatchNorm()
        try net.addMaxPool(window: 2)
        try net.addFlatten()
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        var model = SavedModel(network: net, extras: ModelExtras(provenance: Provenance(nnshVersion: "0", date: 0)))
        edit(&model)
        return try ModelFile.$skipValidation.withValue(true) { try ModelFile.encode(model) }
    }

    /// Where the conv weights of `weights.nnm` start: the data section, after the preamble and
    /// the header section.
    static func convWeightsOffset(_ dir: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: dir + "/weights.nnm") else { return nil }
        let bytes = [UInt8](data)
        return 28 + (0..<8).reduce(0) { $0 | Int(bytes[12 + $1]) << (8 * $1) }
    }

    /// Every file in `dir` and its bytes.
    static func snapshot(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            out[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
        return out
    }

    /// `{dir}` → the case's folder; `{end}` and `{crc}` → the CRC offset and the stored and
    /// computed CRCs of `flipped.nnm` (they depend on the save date inside the file).
    static func expand(_ message: String, dir: String) -> String {
        var text = message.replacingOccurrences(of: "{dir}", with: dir)
        if text.contains("{weights}"), let at = convWeightsOffset(dir) {
            text = text.replacingOccurrences(of: "{weights}", with: String(at))
        }
        if text.contains("{crc}"), let data = FileManager.default.contents(atPath: dir + "/flipped.nnm") {
            let bytes = [UInt8](data), end = bytes.count - 4
            let stored = bytes[end...].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
            func hex(_ v: UInt32) -> String { "0x" + String(repeating: "0", count: 8 - String(v, radix: 16).count) + String(v, radix: 16) }
            text = text.replacingOccurrences(of: "{end}", with: String(end))
                .replacingOccurrences(of: "{crc}", with: "\(hex(stored)), computed \(hex(CRC32.checksum(bytes[..<end])))")
        }
        return text
    }

    // MARK: - The test

    @Test(arguments: BadInputCatalogueTests.cases)
    func badInputGivesOneLineAndKeepsTheSession(_ c: Case) throws {
        let dir = try Self.makeFiles(c.name)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = makeSession()
        let ready = runShell(Self.setup, in: session)
        try #require(ready.succeeded, "setup: \(ready.error?.rendered() ?? "")")
        let interpreter = session.0.interpreter
        let before = interpreter.globals
        let weights = ModelFileShellTests.bits(ModelFileShellTests.network("net", in: session.0))
        let files = Self.snapshot(dir)

        var scopedLimit: Int?
        switch c.fault {
        case .none: break
        case .interruptAfter(let n):
            var polls = 0
            interpreter.isInterrupted = { polls += 1; return polls >= n }
        case .fullDisk(let after):
            AtomicFile.simulatedFullDisks.withLock { $0[dir] = after }
        case .memoryLimit(let bytes):
            scopedLimit = bytes   // for this test's task only: tests run in parallel
        }
        let source = c.source.replacingOccurrences(of: "{dir}", with: dir)
        let result = MemoryLimit.$scopedBytes.withValue(scopedLimit) { runShell(source, file: "bad.nnsh", in: session) }
        if case .fullDisk = c.fault { AtomicFile.simulatedFullDisks.withLock { $0[dir] = nil } }
        interpreter.isInterrupted = { false }

        guard let e = result.error else {
            Issue.record("\(c.name): no error; printed \(result.output)")
            return
        }
        if ProcessInfo.processInfo.environment["NNSH_CATALOGUE_DUMP"] == "1" {
            print("CASE \(c.name) | \(e.line):\(e.column) | \(e.message.replacingOccurrences(of: dir, with: "{dir}"))")
        }
        #expect(e.message == Self.expand(c.message, dir: dir), "\(c.name)")
        #expect(e.line == c.line && e.column == c.column, "\(c.name): at \(e.line):\(e.column)")
        #expect(e.file == "bad.nnsh" || e.file.hasPrefix(dir), "\(c.name): file \(e.file)")
        #expect(!e.message.contains("\n"), "\(c.name): one line")

        // The session is intact: every variable it had is still there with the same value
        // (networks and datasets are the same objects), and nothing else appeared.
        for (name, value) in before {
            #expect(interpreter.globals[name].map { Value.equal($0, value) } == true, "\(c.name): \(name) changed")
        }
        let added = Set(interpreter.globals.keys).subtracting(before.keys)
        #expect(added.isSubset(of: c.defines), "\(c.name): new variables \(added)")
        if !c.changesWeights {
            #expect(ModelFileShellTests.bits(ModelFileShellTests.network("net", in: session.0)) == weights, "\(c.name): weights changed")
        }
        #expect(Self.snapshot(dir) == files, "\(c.name): files changed")
        // …and it still works.
        let after = runShell("print x + 1 (predict net [0.5]) == (predict net [0.5])", in: session)
        #expect(after.output == "42 true\n", "\(c.name): the session no longer works")
    }

    @Test func thereAreAtLeastFiftyCases() {
        #expect(Self.cases.count >= 50)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count, "case names are unique")
    }
}

/// Hardening, round 2: inputs that crashed or hung and now simply work.
@Suite struct HardeningRound2Tests {
    /// `:d` of a number beyond Int64 trapped converting it; it prints the whole number now.
    @Test(arguments: [("1e300", String(format: "%.0f", 1e300)), ("2^64", "18446744073709551616"),
                      ("-1e19", "-10000000000000000000"), ("2^63", "9223372036854775808"), ("-2^63", "-9223372036854775808"),
                      ("2.5", "3"), ("-7.4", "-7"), ("10 ^ 400", "inf"), ("-(10 ^ 400)", "-inf")])
    func integerFormatOfAnyNumber(_ c: (String, String)) {
        let r = runShell("v = \(c.0)\nprint \"{v:d}\"")
        #expect(r.error == nil, "\(c.0): \(r.error?.message ?? "")")
        #expect(r.output == c.1 + "\n", "\(c.0)")
    }

    /// A float IDX file with NaN pixels (first in the image, so the image's minimum is NaN) is
    /// drawn, NaN as black, by `show` and `errors`: they trapped making a range NaN…NaN+1.
    @Test func imagesWithNaNPixelsAreDrawn() throws {
        let dir = NSTemporaryDirectory() + "nnsh-nan-idx-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var images: [UInt8] = [0, 0, 0x0D, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4]
        for i in 0..<32 {
            let v: Float = i == 0 || i == 16 ? .nan : Float(i % 16) / 16
            images += withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) }
        }
        try Data(images).write(to: URL(fileURLWithPath: dir + "/nan.idx"))
        try Data([0, 0, 0x08, 1, 0, 0, 0, 2, 1, 0]).write(to: URL(fileURLWithPath: dir + "/labels.idx"))
        let r = runShell("""
            d = idx "\(dir)/nan.idx" "\(dir)/labels.idx"
            show d 0
            show d 0 count=2
            n = network 16
            add n dense 2 softmax
            wrong = errors n d
            """)
        #expect(r.error == nil, "\(r.error?.rendered() ?? "")")
        // Pixel i is i/16 (NaN, as black, at 0); a character is the mean of two rows in 5 shades.
        #expect(r.output.hasPrefix("  ░░\n▓▓▓█\n#0  label 1\n"), "\(r.output)")
        #expect(r.output.contains("1 of 2 examples misclassified"))
    }

    /// Values spanning more than the largest double plot, in the terminal and to SVG.
    @Test func plotOfTheWholeDoubleRange() throws {
        let dir = NSTemporaryDirectory() + "nnsh-plot-range-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = runShell("plot [1e308, -1e308] width=40 height=8\nplot [1e308, -1e308] [1, 2] width=40 height=8 to=\"\(dir)/x.svg\"")
        #expect(r.error == nil, "\(r.error?.rendered() ?? "")")
        #expect(r.output.contains("1e+308") || r.output.contains("1e308"), "\(r.output)")
        let svg = try String(contentsOfFile: dir + "/x.svg", encoding: .utf8)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    /// NaN prints as "nan" whatever its sign bit, in every format and in tables saved as CSV
    /// (grid results held "-nan": printf shows the sign of inf − inf's NaN).
    @Test func nanIsWrittenNanEverywhere() throws {
        for spec in [".3f", ".4g", "e", "%", "8.2f", ">6", ""] {
            #expect(Format.apply(spec, to: .number(-Double.nan)).trimmingCharacters(in: .whitespaces) == "nan", "\(spec)")
            #expect(Format.apply(spec, to: .number(-Double.infinity)).trimmingCharacters(in: .whitespaces) == "-inf", "\(spec)")
        }
        let dir = NSTemporaryDirectory() + "nnsh-nan-csv-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = runShell("""
            x = 10 ^ 400 - 10 ^ 400
            print "{x:.3f} {x}"
            t = grid
            record t loss=x
            save t "\(dir)/t.csv"
            """)
        #expect(r.error == nil, "\(r.error?.rendered() ?? "")")
        #expect(r.output.hasPrefix("nan nan\n"), "\(r.output)")
        #expect(try String(contentsOfFile: dir + "/t.csv", encoding: .utf8) == "loss\nnan\n")
    }

    /// The epoch line's duration and rate are total: any double gives a short text.
    @Test func epochLineFiguresOfAnyNumber() {
        #expect(EpochLine.duration(0.5) == "0.50s" && EpochLine.duration(12.25) == "12.2s" && EpochLine.duration(125) == "2m05s")
        for bad in [-1, -1e300, .nan, .infinity, -.infinity] as [Double] {
            #expect(EpochLine.duration(bad) == "-", "\(bad)")
            #expect(EpochLine.rate(bad) == "-", "\(bad)")
        }
        #expect(EpochLine.duration(1e300) == "1e+300s")
        #expect(EpochLine.duration(9.3e18) == "9.3e+18s")
        #expect(EpochLine.rate(12345.4) == "12,345")
        #expect(EpochLine.rate(9.3e18) == "9.3e+18" && EpochLine.rate(1e300) == "1e+300")
    }
}

/// Faults the catalogue found, fixed: `else` may start the line after `}`.
@Suite struct ElseOnItsOwnLineTests {
    @Test func elseMayFollowOnALaterLine() {
        let r = runShell("x = 3\nif x > 5 {\n  print \"big\"\n}\n\nelse if x > 2 {\n  print \"middle\"\n}\nelse {\n  print \"small\"\n}\nprint \"after\"")
        #expect(r.error == nil)
        #expect(r.output == "middle\nafter\n")
    }

    @Test func anIfWithoutElseStillEndsAtItsBrace() {
        let r = runShell("if false {\n  print 1\n}\n\nprint 2")
        #expect(r.output == "2\n")
    }
}
