import Data
import Engine
import Plots

/// Pictures of what a network's layers hold, as image grids: a convolution's filters (`inspect`)
/// and the feature maps one example makes after a layer (`show data 0 net=net layer=1`).
///
///     let grid = LayerPictures.filters(net.network, conv)   // one k×k tile per filter
///     shell.show(LayerPictures.terminal(grid, style: shell.imageStyle, width: shell.columns),
///                svg: { grid.renderSVG() })
///
/// Every tile of a grid is drawn on one scale (black the layer's smallest value, white its
/// largest), so a filter with small weights or a channel that hardly fires looks faint.
enum LayerPictures {
    /// True for a layer whose first tensor holds filters (filters × channels × k × k).
    static func hasFilters(_ layer: LayerDescription) -> Bool {
        layer.parameterShapes.first?.dimensions.count == 4
    }

    /// The filters of `layer` (see `hasFilters`), one k×k tile each captioned "f1", "f2", …;
    /// a filter over several channels is drawn as the mean of its channels' weights. The title
    /// numbers the layer as `inspect`'s table does (among the layers with parameters).
    static func filters(_ net: AnyNetwork, _ layer: LayerDescription) -> ImageGrid {
        let d = layer.parameterShapes[0].dimensions
        let (count, channels, rows, columns) = (d[0], d[1], d[2], d[3])
        let w = net.parameterValues(layer: layer.index, tensor: 0), area = rows * columns
        let tiles = (0..<count).map { f in
            (0..<area).map { p in (0..<channels).reduce(0.0) { $0 + w[(f * channels + $1) * area + p] } / Double(channels) }
        }
        let how = channels == 1 ? "" : ", each the mean of its \(channels) channels"
        return ImageGrid(title: "layer \((layer.parametricIndex ?? layer.index) + 1) (\(layer.kind)): \(count) filters \(rows)×\(columns)\(how)",
                         images: tiles.enumerated().map { ImageGrid.Image(pixels: $1, width: columns, height: rows, caption: "f\($0 + 1)") },
                         range: commonRange(tiles))
    }

    /// `values` (channels × height × width, as `shape`) as one tile per channel, captioned
    /// "c1", "c2", ….
    static func featureMaps(_ values: [Double], shape: Shape, title: String) -> ImageGrid {
        let d = shape.dimensions, area = d[1] * d[2]
        let maps = (0..<d[0]).map { c in Array(values[c * area ..< (c + 1) * area]) }
        return ImageGrid(title: title, images: maps.enumerated().map {
            ImageGrid.Image(pixels: $1, width: d[2], height: d[1], caption: "c\($0 + 1)")
        }, range: commonRange(maps))
    }

    /// The grid as terminal text in `width` columns, as `show` draws examples: its title (cut
    /// with "…" when longer), then
    /// the tiles side by side with their captions. Tiles narrower than 8 pixels are drawn at
    /// twice their size (a 3×3 filter takes 6 columns × 3 lines, each weight a 2×1 block);
    /// wider than 16, at half, or smaller when one would not fit `width`.
    static func terminal(_ grid: ImageGrid, style: TerminalImage.Style, width: Int) -> String {
        guard let first = grid.images.first else { return grid.title }
        let shape = ImageShape(rows: first.height, columns: first.width)
        let factor = shape.columns < 8 ? 2 : 1
        let drawn = ImageShape(rows: shape.rows * factor, columns: shape.columns * factor)
        let items = grid.images.map { image in
            (pixels: enlarged(image.pixels.map(Float.init), shape: shape, by: factor), caption: image.caption)
        }
        let range = grid.range.map { Float($0.lowerBound)...Float($0.upperBound) }
        // Large maps at half size, or smaller still when one would not fit the width.
        let downsample = shape.columns > 16 ? max(2, (shape.columns + width - 1) / max(1, width)) : 1
        let tiles = TerminalImage.grid(items, shape: drawn, perRow: 1000, downsample: downsample,
                                       style: style, range: range, width: width)
        let title = grid.title.count <= width ? grid.title : String(grid.title.prefix(max(0, width - 1))) + "…"
        return title + "\n" + tiles
    }

    /// Each pixel repeated `factor` times across and down.
    static func enlarged(_ pixels: [Float], shape: ImageShape, by factor: Int) -> [Float] {
        guard factor > 1 else { return pixels }
        var out: [Float] = []
        out.reserveCapacity(pixels.count * factor * factor)
        for r in 0..<shape.rows * factor {
            for c in 0..<shape.columns * factor { out.append(pixels[(r / factor) * shape.columns + c / factor]) }
        }
        return out
    }

    /// The smallest…largest finite value of all the tiles (nil when there is none).
    static func commonRange(_ tiles: [[Double]]) -> ClosedRange<Double>? {
        let finite = tiles.joined().filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        return low...high
    }
}
