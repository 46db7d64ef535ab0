import Data
import Plots

/// `show data.train 0`: examples drawn in the terminal with their labels; `show "digit.png"`.
struct ShowCommand: Command {
    static let name = "show"
    static let group = CommandGroup.views
    static let summary = "Draw image examples of a dataset in the terminal with their labels, or a picture file."
    static let parameters: [Parameter] = [
        .positional("source", .oneOf([CommonParameters.dataset, .path]), help: "an image dataset, or a PNG/PGM/PPM file"),
        .positional("index", .integer(0...Int.max), default: .number(0), help: "the first example shown"),
        .option("count", .integer(1...1000), default: .number(1), help: "how many examples (several are drawn side by side, half size)"),
        ViewFile.parameter([.svg]),
    ]
    static let example = """
        data = mnist "Data/mnist"
        show data.train 0
        show data.test 0 count=8
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
}
