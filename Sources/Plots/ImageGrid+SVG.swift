extension ImageGrid {
    /// The images as a standalone SVG document `width` pixels wide (the height follows from
    /// the layout): each image on a black square as one embedded greyscale PNG (white ink, pixels drawn square),
    /// its caption below; `<g class="image">` per image.
    public func renderSVG(width: Int = 640) -> String {
        let width = max(width, 100)
        let size = cellSize
        let gap = 12.0, captionHeight = 18.0, margin = 10.0
        let titleLayout = SVGDocument.titleLines(title, width: Double(width) - 20, size: 16)
        let top = title.isEmpty ? margin : 36 + Double(titleLayout.lines.count - 1) * titleLayout.size * 1.2
        // Images about 84 px wide (3 px per pixel for 28×28 digits), smaller when one would not fit.
        let scale = max(1, min((84 / Double(size.width)).rounded(.down), (Double(width) - 2 * margin) / Double(size.width)))
        let imageWidth = Double(size.width) * scale, imageHeight = Double(size.height) * scale
        let perRow = max(1, Int((Double(width) - 2 * margin + gap) / (imageWidth + gap)))
        let rowCount = (images.count + perRow - 1) / perRow
        let height = Int(top + Double(max(1, rowCount)) * (imageHeight + captionHeight + gap) + margin)
        var svg = SVGDocument(width: width, height: height)
        let n = SVGDocument.number

        if !title.isEmpty {
            svg.title(title, x: Double(width) / 2, y: 24, width: Double(width) - 20, size: 16)
        }
        if images.isEmpty {
            svg.text("no images", x: Double(width) / 2, y: top + 20, size: 12, fill: "#888")
        }
        // One caption size for all: the largest at which every caption fits its image's width.
        let captionSize = min(11, images.map { (imageWidth + gap - 2) / max(0.01, SVGDocument.textWidth($0.caption, size: 1)) }.min() ?? 11)
        for (i, image) in images.enumerated() {
            let x0 = margin + Double(i % perRow) * (imageWidth + gap)
            let y0 = top + Double(i / perRow) * (imageHeight + captionHeight + gap)
            svg.openGroup([("class", "image")])
            svg.element("rect", [("x", n(x0)), ("y", n(y0)), ("width", n(imageWidth)),
                                 ("height", n(imageHeight)), ("fill", "black")])
            // The pixels as one embedded PNG, drawn with square pixels (no smoothing).
            if let uri = PNGEncoder.dataURI(width: size.width, height: size.height, levels: image.levels(width: size.width, height: size.height, range: drawingRange(of: image))) {
                svg.element("image", [("x", n(x0)), ("y", n(y0)), ("width", n(imageWidth)), ("height", n(imageHeight)),
                                      ("preserveAspectRatio", "none"), ("image-rendering", "optimizeSpeed"),
                                      ("style", "image-rendering:pixelated"), ("href", uri)])
            }
            if !image.caption.isEmpty {
                svg.text(image.caption, x: x0 + imageWidth / 2, y: y0 + imageHeight + 13, size: captionSize, className: "caption")
            }
            svg.closeGroup()
        }
        return svg.rendered()
    }
}

extension ImageGrid.Image {
    /// Grey levels of a `width` × `height` cell (the image at its top left, black around it;
    /// ink fainter than 2% black, as the terminal drawing leaves it out), on the scale `range`.
    func levels(width: Int, height: Int, range: (low: Double, high: Double)) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height)
        for y in 0..<min(height, max(0, self.height)) {
            for x in 0..<min(width, max(0, self.width)) {
                let t = intensity(x: x, y: y, range: range)
                guard t > 0.02 else { continue }
                out[y * width + x] = UInt8((min(1, t) * 255).rounded())
            }
        }
        return out
    }
}
