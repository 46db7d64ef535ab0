import Data
import Engine
import Plots

/// `show data.train 0`: examples drawn in the terminal with their labels; `show "digit.png"`;
/// `show data.test 0 net=net layer=1`: the feature maps one example makes after a layer.
struct ShowCommand: Command {
    static let name = "show"
    static let group = CommandGroup.views
    static let summary = "Draw image examples of a dataset in the terminal with their labels, a picture file, or a network's feature maps."
    static let parameters: [Parameter] = [
        .positional("source", .oneOf([CommonParameters.dataset, .path]), help: "an image dataset, or a PNG/PGM/PPM file"),
        .positional("index", .integer(0...Int.max), default: .number(0), help: "the first example shown"),
        .option("count", .integer(1...1000), default: .number(1), help: "how many examples (several are drawn side by side, half size)"),
        .option("net", CommonParameters.network, help: "draw instead the feature maps this network makes of the example"),
        .option("layer", .integer(1...Int.max), default: .number(1), help: "with net=: after which layer, counting every layer of the chain from 1"),
        ViewFile.parameter([.svg]),
    ]
    static let example = """
        data = mnist "Data/mnist"
        show data.train 0
        show data.test 0 count=8
        net = network data
        add net conv 8 3 relu
        add net maxpool 2
        show data.test 0 net=net layer=2
        """
    static let details = """
        With net=, the example is run through the network up to layer= (every layer counts:
        conv, batchnorm, maxpool, as print shows the chain; inference, so dropout passes all and
        batch normalisation uses its running statistics) and each channel of that layer's
        output is drawn as one tile (c1, c2, …), all on one scale: black the smallest value,
        white the largest. A layer with a flat output (flatten, dense) has no maps to draw.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        switch try a.value("source") {
        case .string(let path):
            do {
                let image = try ImageFile.read(path: path)
                let room = shell.pictureRoom
                let picture = ImageGrid(title: path, images: [
                    ImageGrid.Image(pixels: image.pixels.map(Double.init), width: image.width, height: image.height, caption: path)])
                shell.show(TerminalImage.render(image, style: shell.imageStyle, fitting: room), svg: { picture.renderSVG() })
                let drawn = TerminalImage.fittedShape(ImageShape(rows: image.height, columns: image.width),
                                                      columns: room.columns, lines: room.lines)
                let size = "\(path): \(image.width)×\(image.height)"
                let note = "(drawn \(drawn.columns)×\(drawn.rows) to fit)"
                // In a notebook the picture is shown whole: the terminal drawing's size is beside the point.
                if (drawn.columns == image.width && drawn.rows == image.height) || shell.showPicture != nil {
                    shell.print(size)
                } else {
                    shell.print(size + (size.displayWidth + 1 + note.count <= shell.columns ? " " : "\n") + note)
                }
                try shell.writeView(a, svg: { picture.renderSVG() })
            } catch {
                throw CommandError(error, parameter: "source")
            }
        case .object(let o as DatasetObject):
            let data = o.dataset
            guard let shape = data.imageShape else {
                let w = data.inputWidth
                throw CommandError("\(data.name) holds no images (\(w) feature\(w == 1 ? "" : "s") per example)", parameter: "source")
            }
            let first = try a.int("index"), count = try a.int("count")
            guard first < data.count else {
                throw CommandError("index \(first) is past the last example (\(data.count) examples, first is 0)", parameter: "index")
            }
            if let net = try a.optionalObject("net", as: NetworkObject.self) {
                guard !a.has("count") else {
                    throw CommandError("count: feature maps are drawn for one example at a time", parameter: "count")
                }
                try showFeatureMaps(net, data, example: first, a, shell)
                return .none
            }
            guard !a.has("layer") else {
                throw CommandError("layer: only with net= (the network whose feature maps to draw)", parameter: "layer")
            }
            let indices = Array(first ..< min(data.count, first + count))
            let captions = indices.map { i in data.classLabel(i).map { "\(data.printableClassName($0)) #\(i)" } ?? "#\(i)" }
            let picture = ImageGrid(title: "\(data.name) #\(first)…#\(indices.last ?? first)", images: zip(indices, captions).map { i, caption in
                ImageGrid.Image(pixels: (data.image(i) ?? []).map(Double.init), width: shape.columns, height: shape.rows, caption: caption)
            })
            if indices.count == 1 {
                shell.show(TerminalImage.render(data.image(first) ?? [], shape: shape, style: shell.imageStyle,
                                                fitting: shell.pictureRoom), svg: { picture.renderSVG() })
                shell.print("#\(first)" + (data.classLabel(first).map { "  label \(data.printableClassName($0))" } ?? ""))
            } else {
                let items = indices.map { i in
                    (pixels: data.image(i) ?? [], caption: data.classLabel(i).map { "\(data.printableClassName($0)) #\(i)" } ?? "#\(i)")
                }
                shell.show(TerminalImage.grid(items, shape: shape, perRow: 6, downsample: 2, style: shell.imageStyle,
                                              width: shell.columns), svg: { picture.renderSVG() })
            }
            try shell.writeView(a, svg: { picture.renderSVG() })
        default:
            throw CommandError("source: expected an image dataset or a file name", parameter: "source")
        }
        return .none
    }

    /// `show data i net=net layer=n`: example `i`'s outputs after layer n, one tile per channel.
    static func showFeatureMaps(_ net: NetworkObject, _ data: Dataset, example i: Int, _ a: Arguments,
                                _ shell: Interpreter) throws(CommandError) {
        let layers = net.network.layerDescriptions, name = argumentText(a, "net")
        let place = try a.int("layer")
        guard place <= layers.count else {
            throw CommandError("layer: there is no layer \(place); \(name) has \(layers.isEmpty ? "no layers" : counted(layers.count, "layer"))",
                               parameter: "layer")
        }
        let layer = layers[place - 1]
        guard layer.outputShape.dimensions.count == 3 else {
            let images = layers.filter { $0.outputShape.dimensions.count == 3 }.map { String($0.index + 1) }
            throw CommandError("layer: layer \(place) (\(layer.kind)) gives \(layer.outputShape) values, not images"
                               + (images.isEmpty ? "; \(name) has no layer with image output" : "; layers with image output: \(images.joined(separator: ", "))"),
                               parameter: "layer")
        }
        guard data.inputWidth == net.network.inputShape.count else {
            throw CommandError("net: \(name) takes examples of \(net.network.inputShape) values; \(data.name)'s have \(data.inputWidth)",
                               parameter: "net")
        }
        let values = net.network.layerOutputs(data.featureRow(i), through: layer.index)
        let title = "\(data.name) #\(i) after layer \(place) (\(layer.summary)): \(layer.outputShape)"
        let grid = LayerPictures.featureMaps(values, shape: layer.outputShape, title: title)
        shell.show(LayerPictures.terminal(grid, style: shell.imageStyle, width: shell.columns), svg: { grid.renderSVG() })
        try shell.writeView(a, svg: { grid.renderSVG() })
    }
}
